// The request messages MLflow 3's service.proto and model_registry.proto add or extend (model ids and datasets on
// metrics, model inputs and outputs of runs, logged models, experiment-tag deletion, dataset summaries), field for
// field in declaration order. Handlers read them in 3.x mode only; 2.x mode keeps messages.ts.
import { B, D, I32, I64, LIST_S, Messages, S, TAGS } from './messages.js';
import type { MessageSpec } from './protoJson.js';
import { LOGGED_MODEL_STATUSES } from './records.js';

const MODEL_METRIC_FIELDS = { model_id: S, dataset_name: S, dataset_digest: S } as const;

/** MLflow 3's request messages, keyed by their proto name. */
export const Messages3 = {
  LogMetric: { ...Messages.LogMetric, ...MODEL_METRIC_FIELDS },
  LogBatch: {
    ...Messages.LogBatch,
    metrics: {
      kind: 'message',
      repeated: true,
      fields: { key: S, value: D, timestamp: I64, step: I64, ...MODEL_METRIC_FIELDS },
    },
  },
  LogInputs: {
    ...Messages.LogInputs,
    models: { kind: 'message', repeated: true, fields: { model_id: S } },
  },
  LogOutputs: { run_id: S, models: { kind: 'message', repeated: true, fields: { model_id: S, step: I64 } } },
  DeleteExperimentTag: { experiment_id: S, key: S },
  SearchDatasets: { experiment_ids: LIST_S },
  CreateModelVersion: { ...Messages.CreateModelVersion, model_id: S },
  CreateLoggedModel: { experiment_id: S, name: S, model_type: S, source_run_id: S, params: TAGS, tags: TAGS },
  GetLoggedModel: { model_id: S },
  FinalizeLoggedModel: { model_id: S, status: { kind: 'enum', values: LOGGED_MODEL_STATUSES } },
  DeleteLoggedModel: { model_id: S },
  SetLoggedModelTags: { model_id: S, tags: TAGS },
  DeleteLoggedModelTag: { model_id: S, tag_key: S },
  LogLoggedModelParams: { model_id: S, params: TAGS },
  SearchLoggedModels: {
    experiment_ids: LIST_S,
    filter: S,
    datasets: { kind: 'message', repeated: true, fields: { dataset_name: S, dataset_digest: S } },
    max_results: I32,
    order_by: {
      kind: 'message',
      repeated: true,
      fields: { field_name: S, ascending: B, dataset_name: S, dataset_digest: S },
    },
    page_token: S,
  },
  ListLoggedModelArtifacts: { model_id: S, artifact_directory_path: S, page_token: S },
} as const satisfies Record<string, MessageSpec>;
