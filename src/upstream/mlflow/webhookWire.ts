// MLflow 3's webhook wire types (mlflow/protos/webhooks.proto as MLflow's JSON encoder sends it; corpus 3.11.1
// seq 8-26). Kept apart from wire.ts: a webhook is registry configuration, not tracking or registry data.

/** The proto's WebhookEntity names, as the wire spells them (upper case: lower case is MLflow's HTML 500). */
export type WireWebhookEntity =
  | 'REGISTERED_MODEL'
  | 'MODEL_VERSION'
  | 'MODEL_VERSION_TAG'
  | 'MODEL_VERSION_ALIAS'
  | 'PROMPT'
  | 'PROMPT_VERSION'
  | 'PROMPT_TAG'
  | 'PROMPT_VERSION_TAG'
  | 'PROMPT_ALIAS'
  | 'BUDGET_POLICY';

/** The proto's WebhookAction names. */
export type WireWebhookAction = 'CREATED' | 'UPDATED' | 'DELETED' | 'SET' | 'EXCEEDED';

/** One subscription. */
export interface WireWebhookEvent {
  entity: WireWebhookEntity;
  action: WireWebhookAction;
}

/** Whether MLflow delivers to the webhook. */
export type WireWebhookStatus = 'ACTIVE' | 'DISABLED';

/** webhooks/* → webhook. MLflow never sends the secret; an empty description is left out. */
export interface WireWebhook {
  webhook_id: string;
  name: string;
  description?: string;
  url: string;
  events?: WireWebhookEvent[];
  status?: WireWebhookStatus;
  creation_timestamp?: number | string;
  last_updated_timestamp?: number | string;
}

/** webhooks/{id}/test → result: what came of MLflow's delivery of a sample payload. */
export interface WireWebhookTestResult {
  success?: boolean;
  response_status?: number;
  response_body?: string;
  error_message?: string;
}
