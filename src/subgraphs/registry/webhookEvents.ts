// Which webhook events MLflow accepts: the entity/action pairs of its VALID_ENTITY_ACTIONS (mlflow/entities/webhook.py,
// as MLflow 3.11.1 serves it; corpus seq 8, 10). The GraphQL enums already keep out names MLflow cannot parse (a
// lower-case or unknown name is MLflow's HTML 500, seq 11 and 15); a pair outside this table is MLflow's 400, refused
// here first so it costs nothing upstream.
import { BadUserInputError } from '../../errors/SupergraphError.js';
import type { WireWebhookAction, WireWebhookEntity, WireWebhookEvent } from '../../upstream/mlflow/webhookWire.js';

/** The actions each entity can be subscribed to. */
export const WEBHOOK_EVENT_ACTIONS: Readonly<Record<WireWebhookEntity, readonly WireWebhookAction[]>> = {
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

/** Whether MLflow accepts the pair. */
export function isValidWebhookEvent(event: WireWebhookEvent): boolean {
  return WEBHOOK_EVENT_ACTIONS[event.entity]?.includes(event.action) ?? false;
}

/** Throws BAD_USER_INPUT for a pair MLflow would refuse, saying which actions the entity has. */
export function assertWebhookEvent(event: WireWebhookEvent, argument: string): void {
  if (isValidWebhookEvent(event)) return;
  const valid = WEBHOOK_EVENT_ACTIONS[event.entity] ?? [];
  throw new BadUserInputError(
    `${argument}: ${event.entity} cannot be subscribed to ${event.action}; expected one of ${valid.join(', ')}`,
  );
}

/** Throws BAD_USER_INPUT for an empty list (MLflow's 400, seq 12) or any pair MLflow would refuse. */
export function assertWebhookEvents(events: readonly WireWebhookEvent[], argument: string): void {
  if (events.length === 0) throw new BadUserInputError(`${argument}: expected at least one event, got none`);
  events.forEach((event, index) => assertWebhookEvent(event, `${argument}[${index}]`));
}
