// The model-registry writes MLflow 3 reports to webhooks, as the registry store announces them. The store only
// says what changed; webhookEvents.ts decides which webhook event that is (a prompt's model is a `prompt`, its
// versions `prompt_version`s) and what payload MLflow sends for it.
import type { ModelVersionRecord, RegisteredModelRecord } from './records.js';

/** One registry write, with the records as they are right after it. */
export type RegistryChange =
  | { readonly kind: 'registered_model.created'; readonly model: RegisteredModelRecord }
  | { readonly kind: 'registered_model_tag.set'; readonly model: RegisteredModelRecord; readonly key: string }
  | { readonly kind: 'registered_model_tag.deleted'; readonly model: RegisteredModelRecord; readonly key: string }
  | {
      readonly kind: 'model_version.created';
      readonly model: RegisteredModelRecord;
      readonly version: ModelVersionRecord;
      /** The run id the request named (MLflow's payload carries it, not one the version took from a logged model). */
      readonly requestedRunId: string;
    }
  | {
      readonly kind: 'model_version_tag.set' | 'model_version_tag.deleted';
      readonly model: RegisteredModelRecord;
      readonly version: ModelVersionRecord;
      readonly key: string;
    }
  | {
      readonly kind: 'alias.created';
      readonly model: RegisteredModelRecord;
      readonly alias: string;
      readonly version: number;
    }
  | { readonly kind: 'alias.deleted'; readonly model: RegisteredModelRecord; readonly alias: string };

/** Something told of every registry write (the webhook store). */
export type RegistryListener = (change: RegistryChange) => void;
