// The request messages of MLflow 2.12's service.proto and model_registry.proto that the emulator
// serves, field for field in declaration order (GET query strings are read in this order).
import type { MessageSpec } from './protoJson.js';

/** Field specs shared by the message tables (string, int64, int32, double, bool, repeated string). */
export const S = { kind: 'string' } as const;
export const I64 = { kind: 'int64' } as const;
export const I32 = { kind: 'int32' } as const;
export const D = { kind: 'double' } as const;
export const B = { kind: 'bool' } as const;
export const LIST_S = { kind: 'string', repeated: true } as const;

/** ViewType enum (ACTIVE_ONLY = 1, DELETED_ONLY = 2, ALL = 3). */
export const VIEW_TYPES = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as const;
/** RunStatus enum (RUNNING = 1 ... KILLED = 5). */
export const RUN_STATUSES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const;

const KEY_VALUE: MessageSpec = { key: S, value: S };
/** A repeated key/value message (tags, params). */
export const TAGS = { kind: 'message', fields: KEY_VALUE, repeated: true } as const;
const METRIC: MessageSpec = { key: S, value: D, timestamp: I64, step: I64 };

/** Request messages, keyed by their proto name. */
export const Messages = {
  CreateExperiment: { name: S, artifact_location: S, tags: TAGS },
  SearchExperiments: {
    max_results: I64,
    page_token: S,
    filter: S,
    order_by: LIST_S,
    view_type: { kind: 'enum', values: VIEW_TYPES },
  },
  GetExperiment: { experiment_id: S },
  DeleteExperiment: { experiment_id: S },
  RestoreExperiment: { experiment_id: S },
  UpdateExperiment: { experiment_id: S, new_name: S },
  GetExperimentByName: { experiment_name: S },
  SetExperimentTag: { experiment_id: S, key: S, value: S },
  CreateRun: { experiment_id: S, user_id: S, run_name: S, start_time: I64, tags: TAGS },
  UpdateRun: {
    run_id: S,
    run_uuid: S,
    status: { kind: 'enum', values: RUN_STATUSES },
    end_time: I64,
    run_name: S,
  },
  DeleteRun: { run_id: S },
  RestoreRun: { run_id: S },
  LogMetric: { run_id: S, run_uuid: S, key: S, value: D, timestamp: I64, step: { kind: 'int64', default: 0 } },
  LogParam: { run_id: S, run_uuid: S, key: S, value: S },
  SetTag: { run_id: S, run_uuid: S, key: S, value: S },
  DeleteTag: { run_id: S, key: S },
  GetRun: { run_id: S, run_uuid: S },
  SearchRuns: {
    experiment_ids: LIST_S,
    filter: S,
    run_view_type: { kind: 'enum', values: VIEW_TYPES, default: 'ACTIVE_ONLY' },
    max_results: { kind: 'int32', default: 1000 },
    order_by: LIST_S,
    page_token: S,
  },
  ListArtifacts: { run_id: S, run_uuid: S, path: S, page_token: S },
  GetMetricHistory: { run_id: S, run_uuid: S, metric_key: S, page_token: S, max_results: I32 },
  GetMetricHistoryBulkInterval: { run_ids: LIST_S, metric_key: S, start_step: I32, end_step: I32, max_results: I32 },
  LogBatch: {
    run_id: S,
    metrics: { kind: 'message', fields: METRIC, repeated: true },
    params: TAGS,
    tags: TAGS,
  },
  LogInputs: {
    run_id: S,
    datasets: {
      kind: 'message',
      repeated: true,
      fields: {
        tags: TAGS,
        dataset: {
          kind: 'message',
          fields: { name: S, digest: S, source_type: S, source: S, schema: S, profile: S },
        },
      },
    },
  },
  CreateRegisteredModel: { name: S, tags: TAGS, description: S },
  RenameRegisteredModel: { name: S, new_name: S },
  UpdateRegisteredModel: { name: S, description: S },
  DeleteRegisteredModel: { name: S },
  GetRegisteredModel: { name: S },
  SearchRegisteredModels: { filter: S, max_results: { kind: 'int64', default: 100 }, order_by: LIST_S, page_token: S },
  GetLatestVersions: { name: S, stages: LIST_S },
  CreateModelVersion: { name: S, source: S, run_id: S, tags: TAGS, run_link: S, description: S },
  UpdateModelVersion: { name: S, version: S, description: S },
  TransitionModelVersionStage: { name: S, version: S, stage: S, archive_existing_versions: B },
  DeleteModelVersion: { name: S, version: S },
  GetModelVersion: { name: S, version: S },
  SearchModelVersions: { filter: S, max_results: { kind: 'int64', default: 10000 }, order_by: LIST_S, page_token: S },
  GetModelVersionDownloadUri: { name: S, version: S },
  SetRegisteredModelTag: { name: S, key: S, value: S },
  DeleteRegisteredModelTag: { name: S, key: S },
  SetModelVersionTag: { name: S, version: S, key: S, value: S },
  DeleteModelVersionTag: { name: S, version: S, key: S },
  SetRegisteredModelAlias: { name: S, alias: S, version: S },
  DeleteRegisteredModelAlias: { name: S, alias: S },
  GetModelVersionByAlias: { name: S, alias: S },
} as const satisfies Record<string, MessageSpec>;
