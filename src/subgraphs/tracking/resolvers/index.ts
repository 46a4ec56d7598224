import { LongScalar, MetricValueScalar, TimestampScalar } from '../../../graphql/scalars.js';
import type { Resolvers } from '../resolvers.generated.js';
import { Experiment } from './Experiment.js';
import { EvaluationDataset, EvaluationDatasetRecord } from './EvaluationDataset.js';
import { JsonScalar } from '../../../graphql/jsonScalar.js';
import { Artifact } from './Artifact.js';
import { DatasetInput, Metric } from './leaves.js';
import { LoggedModel, LoggedModelMetric } from './LoggedModel.js';
import { ModelVersion } from './ModelVersion.js';
import { Mutation } from './Mutation.js';
import { Query } from './Query.js';
import { Run } from './Run.js';
import { Assessment, Span, Trace } from './Trace.js';

/** All resolvers of the tracking subgraph (their errors are mapped once, by the schema: see withErrorMapping). */
export const resolvers: Resolvers = {
  Timestamp: TimestampScalar,
  MetricValue: MetricValueScalar,
  Long: LongScalar,
  Query,
  Mutation,
  Experiment,
  Run,
  Metric,
  DatasetInput,
  Artifact,
  LoggedModel,
  LoggedModelMetric,
  ModelVersion,
  JSON: JsonScalar,
  EvaluationDataset,
  EvaluationDatasetRecord,
  Trace,
  Span,
  Assessment,
};
