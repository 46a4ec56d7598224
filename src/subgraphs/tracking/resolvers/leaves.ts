import type { DatasetInputResolvers, MetricResolvers } from '../resolvers.generated.js';
import { tagList } from '../toModels.js';

/** Metric fields: MLflow omits step 0 and sends int64 as numbers or strings. */
export const Metric: MetricResolvers = {
  key: (metric) => metric.key,
  value: (metric) => metric.value,
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
