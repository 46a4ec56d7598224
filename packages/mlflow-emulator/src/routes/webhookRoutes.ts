// Model-registry webhooks (`/api/2.0/mlflow/webhooks...`, MLflow 3.3+) as MLflow 3.11.1's handlers read and answer
// them (corpus seq 8-26, 269; the basic-auth app makes them admin-only, routes/basicAuth.ts). Event names are the
// proto's upper-case enum names: anything else parses as UNSPECIFIED and MLflow's entity conversion raises, which
// Flask answers with its HTML 500 page (seq 11, 15). The store validates and delivers (WebhookStore.ts).
import { MlflowError, internalServerErrorPage } from '../MlflowError.js';
import { isMlflow3 } from '../mlflowVersion.js';
import { readRequest, requestJson, type MessageSpec } from '../protoJson.js';
import { pyRepr } from '../pyRepr.js';
import { MLFLOW_PREFIXES, type EmulatorRequest, type RegisterRoutes, type Route } from '../router.js';
import type { Json } from '../wireJson.js';
import {
  WEBHOOKS_DEFAULT_MAX_RESULTS,
  type WebhookRecord,
  type WebhookStatus,
  type WebhookTestResult,
} from '../WebhookStore.js';
import { isValidEvent, isWebhookAction, isWebhookEntity, validActions, type WebhookEvent } from '../webhookEvents.js';

const S = { kind: 'string' } as const;
/** The scalar fields of CreateWebhook / UpdateWebhook (events and status are read by hand, see parseEvents). */
const WEBHOOK_FIELDS: MessageSpec = { name: S, description: S, url: S, secret: S };
const LIST_WEBHOOKS: MessageSpec = { max_results: { kind: 'int32' }, page_token: S };

/** `WebhookEvent.from_proto` over the request's events: unknown names are a 500, invalid pairs a 400. */
function parseEvent(value: unknown): WebhookEvent {
  const item = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  const entity = item['entity'];
  const action = item['action'];
  if (!isWebhookEntity(entity) || !isWebhookAction(action)) throw internalServerErrorPage();
  const event = { entity, action };
  if (!isValidEvent(event)) {
    throw MlflowError.invalidParameter(
      `Invalid action '${action.toLowerCase()}' for entity '${entity.toLowerCase()}'. Valid actions are: ${pyRepr(validActions(entity))}`,
    );
  }
  return event;
}

function parseEvents(value: unknown): WebhookEvent[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw internalServerErrorPage();
  return value.map(parseEvent);
}

/** `WebhookStatus.from_proto`: a name outside the enum is a ValueError (500). */
function parseStatus(value: unknown): WebhookStatus {
  if (value === 'ACTIVE' || value === 'DISABLED') return value;
  throw internalServerErrorPage();
}

/** `Webhook.to_proto()` as JSON (the secret never leaves; an empty description is left out). */
export function webhookJson(webhook: WebhookRecord): Json {
  return {
    webhook_id: webhook.webhookId,
    name: webhook.name,
    ...(webhook.description ? { description: webhook.description } : {}),
    url: webhook.url,
    events: webhook.events.map((event) => ({ entity: event.entity, action: event.action })),
    status: webhook.status,
    creation_timestamp: webhook.creationTimestamp,
    last_updated_timestamp: webhook.lastUpdatedTimestamp,
  };
}

function testResultJson(result: WebhookTestResult): Json {
  return {
    success: result.success,
    ...(result.responseStatus === undefined ? {} : { response_status: result.responseStatus }),
    ...(result.responseBody === undefined ? {} : { response_body: result.responseBody }),
    ...(result.errorMessage === undefined ? {} : { error_message: result.errorMessage }),
  };
}

function webhookId(request: EmulatorRequest): string {
  return request.params?.['webhook_id'] ?? '';
}

function optionalString(json: Record<string, unknown>, key: string): string | undefined {
  const value = json[key];
  return typeof value === 'string' ? value : undefined;
}

const routes: readonly Route[] = [
  {
    operation: 'CreateWebhook',
    path: '/webhooks',
    methods: ['POST'],
    handler: (request, { store }) => {
      const message = readRequest(request, WEBHOOK_FIELDS, [
        ['name', ['required', 'string']],
        ['url', ['required', 'string']],
      ]);
      const json = requestJson(request, WEBHOOK_FIELDS);
      const events = parseEvents(json['events']);
      const status = json['status'] === undefined ? 'ACTIVE' : parseStatus(json['status']);
      const webhook = store.webhooks.create({
        name: message.str('name'),
        url: message.str('url'),
        events,
        description: message.str('description') || null,
        secret: message.str('secret') || null,
        status,
      });
      return { webhook: webhookJson(webhook) };
    },
  },
  {
    operation: 'ListWebhooks',
    path: '/webhooks',
    methods: ['GET'],
    handler: (request, { store }) => {
      const message = readRequest(request, LIST_WEBHOOKS);
      const maxResults = message.has('max_results') ? message.num('max_results') : WEBHOOKS_DEFAULT_MAX_RESULTS;
      const page = store.webhooks.list(maxResults, message.str('page_token'));
      const out: Json = {};
      if (page.items.length > 0) out['webhooks'] = page.items.map(webhookJson);
      if (page.nextPageToken) out['next_page_token'] = page.nextPageToken;
      return out;
    },
  },
  {
    operation: 'GetWebhook',
    path: '/webhooks/{webhook_id}',
    methods: ['GET'],
    handler: (request, { store }) => ({ webhook: webhookJson(store.webhooks.get(webhookId(request))) }),
  },
  {
    operation: 'UpdateWebhook',
    path: '/webhooks/{webhook_id}',
    methods: ['PATCH'],
    handler: (request, { store }) => {
      const id = webhookId(request);
      store.webhooks.get(id);
      const json = requestJson(request, WEBHOOK_FIELDS);
      const name = optionalString(json, 'name');
      const description = optionalString(json, 'description');
      const url = optionalString(json, 'url');
      const secret = optionalString(json, 'secret');
      const webhook = store.webhooks.update(id, {
        ...(name === undefined ? {} : { name }),
        ...(description === undefined ? {} : { description }),
        ...(url === undefined ? {} : { url }),
        ...(secret === undefined ? {} : { secret }),
        ...(json['events'] === undefined ? {} : { events: parseEvents(json['events']) }),
        ...(json['status'] === undefined ? {} : { status: parseStatus(json['status']) }),
      });
      return { webhook: webhookJson(webhook) };
    },
  },
  {
    operation: 'DeleteWebhook',
    path: '/webhooks/{webhook_id}',
    methods: ['DELETE'],
    handler: (request, { store }) => {
      store.webhooks.delete(webhookId(request));
      return {};
    },
  },
  {
    operation: 'TestWebhook',
    path: '/webhooks/{webhook_id}/test',
    methods: ['POST'],
    handler: async (request, { store }) => {
      const id = webhookId(request);
      store.webhooks.get(id);
      const json = requestJson(request, {});
      const event = json['event'] === undefined || json['event'] === null ? undefined : parseEvent(json['event']);
      return { result: testResultJson(await store.webhooks.test(id, event)) };
    },
  },
];

/** Adds the webhook routes in 3.x mode. */
export const registerWebhookRoutes: RegisterRoutes = (router, settings) => {
  if (!isMlflow3(settings)) return;
  router.addAll(routes, MLFLOW_PREFIXES);
};
