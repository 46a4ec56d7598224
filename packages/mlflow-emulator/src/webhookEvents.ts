// MLflow 3's webhook events (mlflow/entities/webhook.py): the entities and actions a webhook can subscribe to,
// which pairs are valid, the example payload `webhooks/{id}/test` sends for each (mlflow/webhooks/types.py), and the
// payload a registry write produces. The payloads are what the recorded deliveries show (corpus seq 386-396): a
// prompt is a registered model tagged `mlflow.prompt.is_prompt`, and its payloads leave the prompt's own bookkeeping
// tags out (`mlflow.prompt.text` travels as `template` instead).
import type { ModelVersionRecord, RegisteredModelRecord } from './records.js';
import type { RegistryChange } from './registryChanges.js';

/** The proto's WebhookEntity names, in declaration order. */
export const WEBHOOK_ENTITIES = [
  'REGISTERED_MODEL',
  'MODEL_VERSION',
  'MODEL_VERSION_TAG',
  'MODEL_VERSION_ALIAS',
  'PROMPT',
  'PROMPT_VERSION',
  'PROMPT_TAG',
  'PROMPT_VERSION_TAG',
  'PROMPT_ALIAS',
  'BUDGET_POLICY',
] as const;
/** The proto's WebhookAction names. */
export const WEBHOOK_ACTIONS = ['CREATED', 'UPDATED', 'DELETED', 'SET', 'EXCEEDED'] as const;

/** A WebhookEntity name. */
export type WebhookEntity = (typeof WEBHOOK_ENTITIES)[number];
/** A WebhookAction name. */
export type WebhookAction = (typeof WEBHOOK_ACTIONS)[number];

/** One subscription: an entity and an action, as the wire names them (`MODEL_VERSION` / `CREATED`). */
export interface WebhookEvent {
  readonly entity: WebhookEntity;
  readonly action: WebhookAction;
}

/** VALID_ENTITY_ACTIONS: what each entity can be subscribed to. */
const VALID_ACTIONS: Readonly<Record<WebhookEntity, readonly WebhookAction[]>> = {
  REGISTERED_MODEL: ['CREATED'],
  MODEL_VERSION: ['CREATED'],
  MODEL_VERSION_TAG: ['SET', 'DELETED'],
  MODEL_VERSION_ALIAS: ['CREATED', 'DELETED'],
  PROMPT: ['CREATED'],
  PROMPT_VERSION: ['CREATED'],
  PROMPT_TAG: ['SET', 'DELETED'],
  PROMPT_VERSION_TAG: ['SET', 'DELETED'],
  PROMPT_ALIAS: ['CREATED', 'DELETED'],
  BUDGET_POLICY: ['EXCEEDED'],
};

/** True for a name the proto's WebhookEntity enum has (anything else parses as ENTITY_UNSPECIFIED). */
export function isWebhookEntity(name: unknown): name is WebhookEntity {
  return typeof name === 'string' && (WEBHOOK_ENTITIES as readonly string[]).includes(name);
}

/** True for a name the proto's WebhookAction enum has. */
export function isWebhookAction(name: unknown): name is WebhookAction {
  return typeof name === 'string' && (WEBHOOK_ACTIONS as readonly string[]).includes(name);
}

/** The lower-case actions valid for an entity, sorted (as `WebhookEvent.__init__`'s message lists them). */
export function validActions(entity: WebhookEntity): string[] {
  return VALID_ACTIONS[entity].map((action) => action.toLowerCase()).sort();
}

/** Whether the pair is one MLflow accepts. */
export function isValidEvent(event: WebhookEvent): boolean {
  return VALID_ACTIONS[event.entity].includes(event.action);
}

/** `model_version.created`: the event as its payload's `entity` and `action` fields spell it. */
export function eventName(event: WebhookEvent): string {
  return `${event.entity.toLowerCase()}.${event.action.toLowerCase()}`;
}

/** The order MLflow lists a webhook's events in (its table's primary key: entity, then action). */
export function compareEvents(a: WebhookEvent, b: WebhookEvent): number {
  const byEntity = a.entity < b.entity ? -1 : a.entity > b.entity ? 1 : 0;
  return byEntity !== 0 ? byEntity : a.action < b.action ? -1 : a.action > b.action ? 1 : 0;
}

/** A webhook payload's `data`. */
export type WebhookPayload = Readonly<Record<string, unknown>>;

const EXAMPLE_TAGS = { example_key: 'example_value' };

/** The example payload `webhooks/{id}/test` sends for an event (`get_example_payload_for_event`). */
export function examplePayload(event: WebhookEvent): WebhookPayload | undefined {
  switch (eventName(event)) {
    case 'registered_model.created':
      return { name: 'example_model', tags: EXAMPLE_TAGS, description: 'An example registered model' };
    case 'model_version.created':
      return {
        name: 'example_model',
        version: '1',
        source: 'models:/123',
        run_id: 'abcd1234abcd5678',
        tags: EXAMPLE_TAGS,
        description: 'An example model version',
      };
    case 'model_version_tag.set':
      return { name: 'example_model', version: '1', key: 'example_key', value: 'example_value' };
    case 'model_version_tag.deleted':
      return { name: 'example_model', version: '1', key: 'example_key' };
    case 'model_version_alias.created':
      return { name: 'example_model', alias: 'example_alias', version: '1' };
    case 'model_version_alias.deleted':
      return { name: 'example_model', alias: 'example_alias' };
    case 'prompt.created':
      return { name: 'example_prompt', tags: EXAMPLE_TAGS, description: 'An example prompt' };
    case 'prompt_version.created':
      return {
        name: 'example_prompt',
        version: '1',
        template: 'Hello {{name}}!',
        tags: EXAMPLE_TAGS,
        description: 'An example prompt version',
      };
    case 'prompt_tag.set':
      return { name: 'example_prompt', key: 'example_key', value: 'example_value' };
    case 'prompt_tag.deleted':
      return { name: 'example_prompt', key: 'example_key' };
    case 'prompt_version_tag.set':
      return { name: 'example_prompt', version: '1', key: 'example_key', value: 'example_value' };
    case 'prompt_version_tag.deleted':
      return { name: 'example_prompt', version: '1', key: 'example_key' };
    case 'prompt_alias.created':
      return { name: 'example_prompt', alias: 'example_alias', version: '1' };
    case 'prompt_alias.deleted':
      return { name: 'example_prompt', alias: 'example_alias' };
    default:
      return undefined; // budget_policy.exceeded has no example: MLflow's test answers a failure
  }
}

/** The tag that makes a registered model a prompt. */
export const IS_PROMPT_TAG = 'mlflow.prompt.is_prompt';
/** A prompt version's template. */
export const PROMPT_TEXT_TAG = 'mlflow.prompt.text';

function isPrompt(model: RegisteredModelRecord): boolean {
  return model.tags.get(IS_PROMPT_TAG)?.toLowerCase() === 'true';
}

/** A prompt's user tags: its bookkeeping (`mlflow.prompt.*`, `_mlflow_*`) stays out of the payload. */
function promptTags(tags: ReadonlyMap<string, string>): Record<string, string> {
  return Object.fromEntries(
    [...tags].filter(([key]) => !key.startsWith('mlflow.prompt.') && !key.startsWith('_mlflow')),
  );
}

function versionPayload(model: RegisteredModelRecord, version: ModelVersionRecord, runId: string): WebhookPayload {
  if (isPrompt(model) || version.tags.get(IS_PROMPT_TAG)?.toLowerCase() === 'true') {
    return {
      name: model.name,
      version: String(version.version),
      template: version.tags.get(PROMPT_TEXT_TAG) ?? '',
      tags: promptTags(version.tags),
      description: version.description || null,
    };
  }
  return {
    name: model.name,
    version: String(version.version),
    source: version.source,
    run_id: runId || null,
    tags: Object.fromEntries(version.tags),
    description: version.description || null,
  };
}

/** The webhook event and payload a registry write delivers, or undefined when MLflow reports none. */
export function eventForChange(change: RegistryChange): { event: WebhookEvent; payload: WebhookPayload } | undefined {
  const prompt = isPrompt(change.model);
  const name = change.model.name;
  switch (change.kind) {
    case 'registered_model.created': {
      const payload = {
        name,
        tags: prompt ? promptTags(change.model.tags) : Object.fromEntries(change.model.tags),
        description: change.model.description,
      };
      return { event: { entity: prompt ? 'PROMPT' : 'REGISTERED_MODEL', action: 'CREATED' }, payload };
    }
    case 'registered_model_tag.set':
      // Only a prompt's tags are an event; a registered model's tags have none.
      if (!prompt) return undefined;
      return {
        event: { entity: 'PROMPT_TAG', action: 'SET' },
        payload: { name, key: change.key, value: change.model.tags.get(change.key) ?? '' },
      };
    case 'registered_model_tag.deleted':
      if (!prompt) return undefined;
      return { event: { entity: 'PROMPT_TAG', action: 'DELETED' }, payload: { name, key: change.key } };
    case 'model_version.created': {
      const payload = versionPayload(change.model, change.version, change.requestedRunId);
      return {
        event: { entity: 'template' in payload ? 'PROMPT_VERSION' : 'MODEL_VERSION', action: 'CREATED' },
        payload,
      };
    }
    case 'model_version_tag.set':
      return {
        event: { entity: prompt ? 'PROMPT_VERSION_TAG' : 'MODEL_VERSION_TAG', action: 'SET' },
        payload: {
          name,
          version: String(change.version.version),
          key: change.key,
          value: change.version.tags.get(change.key) ?? '',
        },
      };
    case 'model_version_tag.deleted':
      return {
        event: { entity: prompt ? 'PROMPT_VERSION_TAG' : 'MODEL_VERSION_TAG', action: 'DELETED' },
        payload: { name, version: String(change.version.version), key: change.key },
      };
    case 'alias.created':
      return {
        event: { entity: prompt ? 'PROMPT_ALIAS' : 'MODEL_VERSION_ALIAS', action: 'CREATED' },
        payload: { name, alias: change.alias, version: String(change.version) },
      };
    case 'alias.deleted':
      return {
        event: { entity: prompt ? 'PROMPT_ALIAS' : 'MODEL_VERSION_ALIAS', action: 'DELETED' },
        payload: { name, alias: change.alias },
      };
  }
}
