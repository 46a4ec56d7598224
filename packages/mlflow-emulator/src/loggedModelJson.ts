// Logged-model records → MLflow 3's `LoggedModel` JSON (`{info, data}`), in one place. Tags, params and metrics
// print in key order (how the SQL store reads them); `model_type` and `source_run_id` print even when empty.
import type { LoggedModelMetric, LoggedModelRecord } from './records.js';
import { metricValueJson, type Json } from './wireJson.js';

function sortedKeyValues(map: ReadonlyMap<string, string>): Json[] {
  return [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, value]) => ({ key, value }));
}

/** A metric row of a logged model (`Metric` with its dataset, model and run). */
export function loggedModelMetricJson(metric: LoggedModelMetric): Json {
  return {
    key: metric.key,
    value: metricValueJson(metric.value),
    timestamp: metric.timestamp,
    step: metric.step,
    ...(metric.datasetName === undefined ? {} : { dataset_name: metric.datasetName }),
    ...(metric.datasetDigest === undefined ? {} : { dataset_digest: metric.datasetDigest }),
    model_id: metric.modelId,
    run_id: metric.runId,
  };
}

/** `LoggedModel` message. */
export function loggedModelJson(model: LoggedModelRecord): Json {
  const info: Json = {
    model_id: model.modelId,
    experiment_id: model.experimentId,
    name: model.name,
    creation_timestamp_ms: model.creationTimestampMs,
    last_updated_timestamp_ms: model.lastUpdatedTimestampMs,
    artifact_uri: model.artifactUri,
    status: model.status,
    model_type: model.modelType,
    source_run_id: model.sourceRunId,
  };
  if (model.tags.size > 0) info['tags'] = sortedKeyValues(model.tags);
  const data: Json = {};
  if (model.params.size > 0) data['params'] = sortedKeyValues(model.params);
  if (model.metrics.length > 0) data['metrics'] = model.metrics.map(loggedModelMetricJson);
  return { info, data };
}
