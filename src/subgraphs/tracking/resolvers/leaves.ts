import type { WireMetric, WireParam } from '../../../upstream/mlflow/wire.js';
import type { MetricModel, ParamModel } from '../mappers.js';
import type { DatasetInputResolvers, MetricResolvers } from '../resolvers.generated.js';
import { tagList } from '../toModels.js';

/**
 * A run's metric as `Metric` is backed: the run's id added, and step 0 (which MLflow omits) written out. Every field
 * but `runId` is then the object's own and has no resolver: the default one reads it, and compiled subgraph
 * operations (graphql-jit) read such a field inline instead of calling a resolver per value (a cold dashboard lists
 * every metric of its 500 runs; measured in README "Benchmarks"). `timestamp` may be absent: read as null.
 */
export function metricModel(metric: WireMetric, runId: string): MetricModel {
  return { ...metric, run_id: runId, step: metric.step ?? 0 };
}

/** A run's params as `Param` is backed: MLflow omits an empty value; a param that has one is answered as it is. */
export function paramModels(params: readonly WireParam[] | undefined): ParamModel[] {
  if (!params) return [];
  const models: ParamModel[] = [];
  for (const param of params) models.push(param.value === undefined ? { key: param.key, value: '' } : param);
  return models;
}

/** Metric fields: int64 come as numbers or strings (the Long scalar takes both). */
export const Metric: MetricResolvers = {
  runId: (metric) => metric.run_id,
};

/** DatasetInput fields, flattened from MLflow's `{dataset, tags}`. */
export const DatasetInput: DatasetInputResolvers = {
  name: (input) => input.dataset.name,
  digest: (input) => input.dataset.digest,
  sourceType: (input) => input.dataset.source_type,
  source: (input) => input.dataset.source,
  schema: (input) => input.dataset.schema ?? null,
  profile: (input) => input.dataset.profile ?? null,
  tags: (input) => tagList(input.tags),
};
