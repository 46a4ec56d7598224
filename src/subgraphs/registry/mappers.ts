import type { Connection } from '../../graphql/connection.js';
import type { WireActivity, WireComment, WireTransitionRequest } from '../../upstream/databricks/wire.js';
import type { WireModelVersion, WireRegisteredModel, WireTag } from '../../upstream/mlflow/wire.js';
import type { WireWebhook, WireWebhookTestResult } from '../../upstream/mlflow/webhookWire.js';

// What backs each GraphQL type of the registry subgraph (codegen mappers): the MLflow / Databricks wire objects.

/** Backs `RegisteredModel`. */
export type RegisteredModelModel = WireRegisteredModel;
/** Backs `ModelVersion`. */
export type ModelVersionModel = WireModelVersion;
/** Backs `ModelAlias`: one entry of a model's `aliases`, with the model's name. */
export interface ModelAliasModel {
  name: string;
  alias: string;
  version: string;
}
/** Backs `Run` here: only the key; the tracking subgraph owns the rest of the run. */
export interface RunReferenceModel {
  id: string;
}
/** Backs `Tag`. */
export type TagModel = WireTag;
/** Backs `RegisteredModelConnection`. */
export type RegisteredModelConnectionModel = Connection<WireRegisteredModel>;
/** Backs `ModelVersionConnection`. */
export type ModelVersionConnectionModel = Connection<WireModelVersion>;
/** Backs `TransitionRequest`: a listed request (an activity) or a newly created one. */
export type TransitionRequestModel = WireTransitionRequest & Pick<WireActivity, 'id'>;
/** Backs `ModelVersionActivity`. */
export type ModelVersionActivityModel = WireActivity;
/** Backs `ModelVersionComment`. */
export type ModelVersionCommentModel = WireComment;
/** Backs `ModelVersionActivityPayload`: the activity plus which version to read back. */
export interface ModelVersionActivityPayloadModel {
  activity: WireActivity | null;
  name: string;
  version: string;
}
/** Backs `Prompt`: the registered model that is the prompt (tagged `mlflow.prompt.is_prompt = true`). */
export type PromptModel = WireRegisteredModel;
/** Backs `PromptVersion`: the model version that holds the template in its tags. */
export type PromptVersionModel = WireModelVersion;
/** Backs `PromptAlias`: one entry of a prompt's `aliases`, with the prompt's name. */
export type PromptAliasModel = ModelAliasModel;
/** Backs `PromptConnection`. */
export type PromptConnectionModel = Connection<WireRegisteredModel>;
/** Backs `PromptVersionConnection`. */
export type PromptVersionConnectionModel = Connection<WireModelVersion>;
/** Backs `DeletePromptVersionPayload`. */
export interface DeletePromptVersionPayloadModel {
  name: string;
  version: number;
}
/** Backs `DeleteModelVersionPayload`. */
export interface DeleteModelVersionPayloadModel {
  name: string;
  version: string;
}
/**
 * Backs `LoggedModel` here: the reference the gateway sends (GraphQL field names), with the fields that
 * `registeredVersions` requires from the tracking subgraph.
 */
export interface LoggedModelRefModel {
  id: string;
  experimentId?: string;
  sourceRunId?: string | null;
  artifactLocation?: string | null;
  tags?: readonly { key: string; value: string }[];
}
/** Backs `Webhook`: MLflow's webhook as it answers it (never with the secret). */
export type WebhookModel = WireWebhook;
/** Backs `WebhookConnection`. */
export type WebhookConnectionModel = Connection<WireWebhook>;
/** Backs `WebhookTestResult`. */
export type WebhookTestResultModel = WireWebhookTestResult;
