// MLflow REST wire types (snake_case exactly as MLflow sends them). Optional fields are omitted by
// MLflow's protobuf JSON encoder when empty, so almost everything is optional here.

/** A key/value tag (experiments, runs, models, versions). */
export interface WireTag {
  key: string;
  value?: string;
}
/** A run parameter; write-once in MLflow. */
export interface WireParam {
  key: string;
  value?: string;
}
/** A metric point. `value` is a number, or "NaN"/"Infinity"/"-Infinity" as strings. */
export interface WireMetric {
  key: string;
  value: number | string;
  timestamp?: number | string;
  step?: number | string;
  run_id?: string;
  /** MLflow 3: the logged model the value was computed for (metrics logged with `model_id`). */
  model_id?: string;
  /** MLflow 3: the dataset the value was computed on. */
  dataset_name?: string;
  dataset_digest?: string;
}

/** experiments/get → experiment */
export interface WireExperiment {
  experiment_id: string;
  name: string;
  artifact_location?: string;
  lifecycle_stage?: 'active' | 'deleted';
  last_update_time?: number | string;
  creation_time?: number | string;
  tags?: WireTag[];
}

/** runs/get → run.info */
export interface WireRunInfo {
  run_id: string;
  run_uuid?: string;
  run_name?: string;
  experiment_id: string;
  user_id?: string;
  status?: 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
  start_time?: number | string;
  end_time?: number | string;
  artifact_uri?: string;
  lifecycle_stage?: 'active' | 'deleted';
}

/** A dataset input of a run. */
export interface WireDatasetInput {
  tags?: WireTag[];
  dataset: { name: string; digest: string; source_type: string; source: string; schema?: string; profile?: string };
}

/** MLflow 3: a logged model a run used (`inputs.model_inputs`) or made (`outputs.model_outputs`, with its step). */
export interface WireModelIO {
  model_id: string;
  step?: number | string;
}

/** runs/get → run */
export interface WireRun {
  info: WireRunInfo;
  data?: { metrics?: WireMetric[]; params?: WireParam[]; tags?: WireTag[] };
  /** `model_inputs` from MLflow 3 on. */
  inputs?: { dataset_inputs?: WireDatasetInput[]; model_inputs?: WireModelIO[] };
  /** MLflow 3: the logged models the run made. */
  outputs?: { model_outputs?: WireModelIO[] };
}

/** MLflow 3's logged-model lifecycle (`LOGGED_MODEL_STATUS_UNSPECIFIED` is what MLflow stores for an unknown one). */
export type WireLoggedModelStatus =
  'LOGGED_MODEL_STATUS_UNSPECIFIED' | 'LOGGED_MODEL_PENDING' | 'LOGGED_MODEL_READY' | 'LOGGED_MODEL_UPLOAD_FAILED';

/** logged-models/{id} → model.info (MLflow 3). */
export interface WireLoggedModelInfo {
  model_id: string;
  experiment_id: string;
  name?: string;
  creation_timestamp_ms?: number | string;
  last_updated_timestamp_ms?: number | string;
  artifact_uri?: string;
  status?: WireLoggedModelStatus;
  status_message?: string;
  /** MLflow answers "" when none was given. */
  model_type?: string;
  /** MLflow answers "" when none was given. */
  source_run_id?: string;
  tags?: WireTag[];
}

/** logged-models/{id} → model (MLflow 3): its metrics carry the dataset and run they were computed with. */
export interface WireLoggedModel {
  info: WireLoggedModelInfo;
  data?: { params?: WireParam[]; metrics?: WireMetric[] };
}

/** A sort key of logged-models/search: an attribute or `metrics.<key>` (optionally on one dataset). */
export interface WireLoggedModelOrderBy {
  field_name: string;
  ascending?: boolean;
  dataset_name?: string;
  dataset_digest?: string;
}

/** A dataset logged-models/search restricts metric filters and sorts to. */
export interface WireDatasetRef {
  dataset_name: string;
  dataset_digest?: string;
}

/** artifacts/list → files[] */
export interface WireFileInfo {
  path: string;
  is_dir?: boolean;
  file_size?: number | string;
}

/** registered-models/get → registered_model */
export interface WireRegisteredModel {
  name: string;
  creation_timestamp?: number | string;
  last_updated_timestamp?: number | string;
  user_id?: string;
  description?: string;
  latest_versions?: WireModelVersion[];
  tags?: WireTag[];
  aliases?: { alias: string; version: string }[];
  /** Databricks only. */
  id?: string;
  /** GitLab only: every version of the model (GitLab lists them all in `latest_versions`), newest semver first. */
  gitlab_versions?: WireModelVersion[];
}

/** model-versions/get → model_version */
export interface WireModelVersion {
  name: string;
  version: string;
  creation_timestamp?: number | string;
  last_updated_timestamp?: number | string;
  user_id?: string;
  current_stage?: string;
  description?: string;
  source?: string;
  run_id?: string;
  status?: 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY';
  status_message?: string;
  tags?: WireTag[];
  run_link?: string;
  aliases?: string[];
  /** GitLab only: the version's numeric id (GitLab's `version` field; `version` here carries its semver). */
  gitlab_version_id?: string;
}

/** Lifecycle filter for searches. */
export type WireViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

/**
 * An MLflow 3 evaluation dataset (datasets/get → dataset). `tags`, `schema` and `profile` are JSON-encoded strings;
 * `experiment_ids` only in the answer to datasets/create (elsewhere: datasets/{id}/experiment-ids).
 */
export interface WireEvaluationDataset {
  dataset_id: string;
  name: string;
  tags?: string;
  schema?: string;
  profile?: string;
  digest?: string;
  created_time?: number | string;
  last_update_time?: number | string;
  created_by?: string;
  last_updated_by?: string;
  experiment_ids?: string[];
}

/** One record of an evaluation dataset, as decoded from the JSON-encoded `records` of GET datasets/{id}/records. */
export interface WireDatasetRecord {
  dataset_record_id: string;
  dataset_id?: string;
  inputs?: unknown;
  expectations?: unknown;
  outputs?: unknown;
  tags?: Record<string, unknown>;
  source?: unknown;
  source_type?: string;
  source_id?: string;
  created_time?: number | string;
  last_update_time?: number | string;
  created_by?: string;
  last_updated_by?: string;
}

/** MLflow 3's trace states (TraceInfoV3.state). */
export type WireTraceState = 'STATE_UNSPECIFIED' | 'OK' | 'ERROR' | 'IN_PROGRESS';

/** traces/{id} → trace.trace_info (MLflow 3's TraceInfoV3); searches return the same message. */
export interface WireTraceInfo {
  /** `tr-<32 hex>`. */
  trace_id: string;
  client_request_id?: string;
  /** Where the trace is stored; the graph serves traces of MLflow experiments only. */
  trace_location?: { type?: string; mlflow_experiment?: { experiment_id?: string } };
  request_preview?: string;
  response_preview?: string;
  /** RFC 3339 (`2025-01-01T00:00:00Z`). */
  request_time?: string;
  /** A protobuf Duration as JSON: seconds with an `s` suffix (`1.500s`). */
  execution_duration?: string;
  state?: WireTraceState;
  trace_metadata?: Record<string, string>;
  tags?: Record<string, string>;
  /** MLflow reads the trace's assessments with its info (get, batchGetInfos, search). */
  assessments?: WireAssessment[];
}

/** An OTLP `AnyValue` as MLflow prints it (snake_case members, one of them set). */
export interface WireAnyValue {
  string_value?: string;
  bool_value?: boolean;
  int_value?: number | string;
  double_value?: number;
  array_value?: { values?: WireAnyValue[] };
  kvlist_value?: { values?: WireKeyValue[] };
  bytes_value?: string;
}

/** An OTLP attribute. */
export interface WireKeyValue {
  key: string;
  value?: WireAnyValue;
}

/** A stored span in OTLP JSON (traces/get, traces/batchGet): ids are base64 of their bytes. */
export interface WireSpan {
  trace_id?: string;
  span_id: string;
  parent_span_id?: string;
  name?: string;
  start_time_unix_nano?: number | string;
  end_time_unix_nano?: number | string;
  attributes?: WireKeyValue[];
  events?: { time_unix_nano?: number | string; name?: string; attributes?: WireKeyValue[] }[];
  status?: { code?: 'STATUS_CODE_UNSET' | 'STATUS_CODE_OK' | 'STATUS_CODE_ERROR'; message?: string };
}

/** traces/get, traces/batchGet → a trace with its spans. */
export interface WireTrace {
  trace_info: WireTraceInfo;
  spans?: WireSpan[];
}

/** Who or what made an assessment. */
export interface WireAssessmentSource {
  source_type?: 'SOURCE_TYPE_UNSPECIFIED' | 'HUMAN' | 'LLM_JUDGE' | 'CODE';
  source_id?: string;
}

/** A feedback's failure (a judge that timed out). */
export interface WireAssessmentError {
  error_code?: string;
  error_message?: string;
  stack_trace?: string;
}

/** An assessment of a trace or of one of its spans (MLflow 3): a feedback or an expectation. */
export interface WireAssessment {
  assessment_id: string;
  /** MLflow stores "" when a create names none (corpus 3.11.1 seq 189). */
  assessment_name?: string;
  trace_id?: string;
  /** Hex, as the span id MLflow's clients use (not the base64 of OTLP JSON). */
  span_id?: string;
  source?: WireAssessmentSource;
  create_time?: string;
  last_update_time?: string;
  feedback?: { value?: unknown; error?: WireAssessmentError };
  expectation?: { value?: unknown; serialized_value?: { serialization_format?: string; value?: string } };
  rationale?: string;
  metadata?: Record<string, string>;
  run_id?: string;
  overrides?: string;
  valid?: boolean;
}
