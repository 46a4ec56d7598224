import type { DatasetInputResolvers, MetricResolvers } from '../resolvers.generated.js';
import { tagList } from '../toModels.js';

/**
 * Metric fields: MLflow omits step 0 and sends int64 as numbers or strings. `key` and `value` are the wire's own
 * and have no resolver: the default one reads them, and compiled subgraph operations (graphql-jit) read such a
 * field inline instead of calling a resolver per value (a cold dashboard lists every metric of its 500 runs;
 * measured in README "Benchmarks").
 */
export const Metric: MetricResolvers = {
  timestamp: (metric) => metric.timestamp ?? null,
  step: (metric) => metric.step ?? 0,
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
