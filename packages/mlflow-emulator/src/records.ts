// The emulator's in-memory records. Internal shapes are camelCase; wireJson.ts maps them to
// MLflow's snake_case JSON in one place per type.

/** `active` or `deleted`, as MLflow's lifecycle_stage. */
export type LifecycleStage = 'active' | 'deleted';

/** MLflow's RunStatus names. */
export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

/** One logged metric value. */
export interface MetricPoint {
  readonly key: string;
  readonly value: number;
  readonly timestamp: number;
  readonly step: number;
}

/** An experiment. `runIds` indexes its runs for search. */
export interface ExperimentRecord {
  readonly experimentId: string;
  name: string;
  readonly artifactLocation: string;
  lifecycleStage: LifecycleStage;
  readonly creationTime: number;
  lastUpdateTime: number;
  readonly tags: Map<string, string>;
  readonly runIds: Set<string>;
}

/** A dataset used as a run input (runs/log-inputs). */
export interface DatasetInputRecord {
  readonly tags: ReadonlyArray<{ readonly key: string; readonly value: string }>;
  readonly dataset: {
    readonly name: string;
    readonly digest: string;
    readonly sourceType: string;
    readonly source: string;
    readonly schema?: string;
    readonly profile?: string;
  };
}

/** A file or directory in a run's artifact store (what artifacts/list answers from). */
export interface ArtifactRecord {
  /** Path relative to the run's artifact root, `/`-separated, no leading slash. */
  readonly path: string;
  readonly isDir: boolean;
  readonly fileSize?: number;
}

/** A logged model a run produced (MLflow 3 `runs/outputs`), at a step. */
export interface RunModelOutput {
  readonly modelId: string;
  readonly step: number;
}

/** A run. Metric history is kept per key in logging order; `latestMetrics` is MLflow's latest_metrics. */
export interface RunRecord {
  readonly runId: string;
  readonly experimentId: string;
  runName: string;
  readonly userId: string;
  status: RunStatus;
  readonly startTime: number;
  endTime: number | null;
  readonly artifactUri: string;
  lifecycleStage: LifecycleStage;
  deletedTime: number | null;
  readonly params: Map<string, string>;
  readonly tags: Map<string, string>;
  readonly latestMetrics: Map<string, MetricPoint>;
  readonly metricHistory: Map<string, MetricPoint[]>;
  readonly datasetInputs: DatasetInputRecord[];
  readonly artifacts: ArtifactRecord[];
  /** MLflow 3: ids of logged models the run took as inputs (`runs/log-inputs` models). */
  readonly modelInputs?: Set<string>;
  /** MLflow 3: logged models the run produced (`runs/outputs`). */
  readonly modelOutputs?: RunModelOutput[];
}

/** A model version. Deleted versions stay (MLflow soft-deletes them) so numbers are never reused. */
export interface ModelVersionRecord {
  name: string;
  readonly version: number;
  readonly creationTimestamp: number;
  lastUpdatedTimestamp: number;
  currentStage: string;
  description: string | null;
  source: string;
  runId: string;
  runLink: string;
  readonly status: 'READY';
  readonly userId: string | null;
  readonly tags: Map<string, string>;
  deleted: boolean;
}

/** A registered model with its versions and aliases (alias → version number). */
export interface RegisteredModelRecord {
  name: string;
  /** Databricks workspace id of the model (hex), used by the Databricks permission endpoints. */
  readonly id: string;
  readonly creationTimestamp: number;
  lastUpdatedTimestamp: number;
  description: string | null;
  readonly userId: string | null;
  readonly tags: Map<string, string>;
  readonly aliases: Map<string, number>;
  readonly versions: Map<number, ModelVersionRecord>;
  maxVersion: number;
}

/** MLflow 3's LoggedModelStatus names (proto enum order: UNSPECIFIED 0, PENDING 1, READY 2, UPLOAD_FAILED 3). */
export const LOGGED_MODEL_STATUSES = [
  'LOGGED_MODEL_STATUS_UNSPECIFIED',
  'LOGGED_MODEL_PENDING',
  'LOGGED_MODEL_READY',
  'LOGGED_MODEL_UPLOAD_FAILED',
] as const;

/** A logged model's status. */
export type LoggedModelStatus = (typeof LOGGED_MODEL_STATUSES)[number];

/** A metric value logged against a logged model (runs/log-metric or log-batch with `model_id`). */
export interface LoggedModelMetric extends MetricPoint {
  readonly modelId: string;
  readonly runId: string;
  readonly datasetName?: string;
  readonly datasetDigest?: string;
}

/** An MLflow 3 logged model. `deleted` models stay so their ids are never reused. */
export interface LoggedModelRecord {
  readonly modelId: string;
  readonly experimentId: string;
  readonly name: string;
  readonly creationTimestampMs: number;
  lastUpdatedTimestampMs: number;
  readonly artifactUri: string;
  status: LoggedModelStatus;
  readonly modelType: string;
  readonly sourceRunId: string;
  readonly tags: Map<string, string>;
  readonly params: Map<string, string>;
  readonly metrics: LoggedModelMetric[];
  /** The model's files by path (UTF-8 text): the demo seeds an `MLmodel`; a created model has none. */
  readonly files: Map<string, string>;
  deleted: boolean;
}
