// Records → MLflow's JSON, one function per type. Field order follows MLflow's proto-to-JSON output;
// optional fields are left out when unset, as protobuf does, and NaN metric values print as "NaN".
import type {
  ArtifactRecord,
  DatasetInputRecord,
  ExperimentRecord,
  MetricPoint,
  ModelVersionRecord,
  RegisteredModelRecord,
  RunRecord,
} from './records.js';

/** JSON object as sent on the wire. */
export type Json = Record<string, unknown>;

function keyValues(map: ReadonlyMap<string, string>, sorted = false): Json[] {
  const entries = [...map];
  if (sorted) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.map(([key, value]) => ({ key, value }));
}

/**
 * Where MLflow 3's SQL store reads tags in key order (through the tag table's primary key) instead of insertion
 * order, per endpoint (recorded: registered-models/get sorts version tags, registered-models/search model tags).
 */
export interface TagOrder {
  readonly sortModelTags?: boolean;
  readonly sortVersionTags?: boolean;
}

/** A metric value as protobuf's JSON printer writes a double. */
export function metricValueJson(value: number): number | string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return value;
}

/** `Metric` message. */
export function metricJson(metric: MetricPoint): Json {
  return { key: metric.key, value: metricValueJson(metric.value), timestamp: metric.timestamp, step: metric.step };
}

/** `Experiment` message. */
export function experimentJson(experiment: ExperimentRecord): Json {
  const json: Json = {
    experiment_id: experiment.experimentId,
    name: experiment.name,
    artifact_location: experiment.artifactLocation,
    lifecycle_stage: experiment.lifecycleStage,
    last_update_time: experiment.lastUpdateTime,
    creation_time: experiment.creationTime,
  };
  if (experiment.tags.size > 0) json['tags'] = keyValues(experiment.tags);
  return json;
}

/** `RunInfo` message. */
export function runInfoJson(run: RunRecord): Json {
  const json: Json = {
    run_uuid: run.runId,
    experiment_id: run.experimentId,
    run_name: run.runName,
    user_id: run.userId,
    status: run.status,
    start_time: run.startTime,
  };
  if (run.endTime !== null) json['end_time'] = run.endTime;
  json['artifact_uri'] = run.artifactUri;
  json['lifecycle_stage'] = run.lifecycleStage;
  json['run_id'] = run.runId;
  return json;
}

function datasetInputJson(input: DatasetInputRecord): Json {
  const dataset: Json = {
    name: input.dataset.name,
    digest: input.dataset.digest,
    source_type: input.dataset.sourceType,
    source: input.dataset.source,
  };
  if (input.dataset.schema !== undefined) dataset['schema'] = input.dataset.schema;
  if (input.dataset.profile !== undefined) dataset['profile'] = input.dataset.profile;
  const json: Json = {};
  if (input.tags.length > 0) json['tags'] = input.tags.map((tag) => ({ key: tag.key, value: tag.value }));
  json['dataset'] = dataset;
  return json;
}

/** Which optional parts of a `Run` message an endpoint fills in. */
export interface RunParts {
  /** The `inputs` object (possibly empty): runs read back from the store carry one; 2.x's runs/create has none. */
  readonly inputs?: boolean;
  /** MLflow 3's `inputs.model_inputs` (runs/get fills them in, runs/search does not). */
  readonly modelInputs?: boolean;
  /** MLflow 3's `outputs` object (runs/get and runs/search). */
  readonly outputs?: boolean;
}

/** `Run` message with the parts the endpoint fills in (default: 2.x's stored run, `inputs` only). */
export function runJson(run: RunRecord, parts: RunParts = { inputs: true }): Json {
  const data: Json = {};
  if (run.latestMetrics.size > 0) data['metrics'] = [...run.latestMetrics.values()].map(metricJson);
  if (run.params.size > 0) data['params'] = keyValues(run.params);
  if (run.tags.size > 0) data['tags'] = keyValues(run.tags);
  const json: Json = { info: runInfoJson(run), data };
  if (parts.inputs) {
    const inputs: Json = {};
    if (run.datasetInputs.length > 0) inputs['dataset_inputs'] = run.datasetInputs.map(datasetInputJson);
    // Read through the inputs table's unique index, so in model-id order.
    const modelInputs = [...(run.modelInputs ?? [])].sort();
    if (parts.modelInputs && modelInputs.length > 0) {
      inputs['model_inputs'] = modelInputs.map((modelId) => ({ model_id: modelId }));
    }
    json['inputs'] = inputs;
  }
  if (parts.outputs) {
    const outputs: Json = {};
    const modelOutputs = [...(run.modelOutputs ?? [])].sort((a, b) => (a.modelId < b.modelId ? -1 : 1));
    if (modelOutputs.length > 0) {
      outputs['model_outputs'] = modelOutputs.map((output) => ({ model_id: output.modelId, step: output.step }));
    }
    json['outputs'] = outputs;
  }
  return json;
}

/** `ModelVersion` message; `aliases` is given only where MLflow 2.12 fills it in. */
export function modelVersionJson(version: ModelVersionRecord, aliases?: readonly string[], order: TagOrder = {}): Json {
  const json: Json = {
    name: version.name,
    version: String(version.version),
    creation_timestamp: version.creationTimestamp,
    last_updated_timestamp: version.lastUpdatedTimestamp,
  };
  if (version.userId !== null) json['user_id'] = version.userId;
  json['current_stage'] = version.currentStage;
  if (version.description !== null) json['description'] = version.description;
  json['source'] = version.source;
  json['run_id'] = version.runId;
  json['status'] = version.status;
  if (version.tags.size > 0) json['tags'] = keyValues(version.tags, order.sortVersionTags);
  json['run_link'] = version.runLink;
  if (aliases && aliases.length > 0) json['aliases'] = [...aliases];
  return json;
}

/**
 * The latest version per stage, in the order stages are first met walking versions upward (as
 * SqlRegisteredModel.to_mlflow_entity builds `latest_versions`).
 */
export function latestVersions(model: RegisteredModelRecord): ModelVersionRecord[] {
  const byStage = new Map<string, ModelVersionRecord>();
  const ordered = [...model.versions.values()].sort((a, b) => a.version - b.version);
  for (const version of ordered) {
    if (version.deleted) continue;
    const current = byStage.get(version.currentStage);
    if (!current || current.version < version.version) byStage.set(version.currentStage, version);
  }
  return [...byStage.values()];
}

/** Aliases of a model sorted by alias name (the primary-key order MLflow reads them in). */
export function sortedAliases(model: RegisteredModelRecord): Array<[string, number]> {
  return [...model.aliases].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** `RegisteredModel` message. */
export function registeredModelJson(model: RegisteredModelRecord, order: TagOrder = {}): Json {
  const json: Json = {
    name: model.name,
    creation_timestamp: model.creationTimestamp,
    last_updated_timestamp: model.lastUpdatedTimestamp,
  };
  if (model.userId !== null) json['user_id'] = model.userId;
  if (model.description) json['description'] = model.description;
  const latest = latestVersions(model);
  if (latest.length > 0) json['latest_versions'] = latest.map((version) => modelVersionJson(version, undefined, order));
  if (model.tags.size > 0) json['tags'] = keyValues(model.tags, order.sortModelTags);
  if (model.aliases.size > 0) {
    json['aliases'] = sortedAliases(model).map(([alias, version]) => ({ alias, version: String(version) }));
  }
  return json;
}

/** `FileInfo` message. */
export function fileInfoJson(artifact: ArtifactRecord): Json {
  const json: Json = { path: artifact.path, is_dir: artifact.isDir };
  if (!artifact.isDir && artifact.fileSize !== undefined) json['file_size'] = artifact.fileSize;
  return json;
}
