import { LongScalar, MetricValueScalar, TimestampScalar } from '../../../graphql/scalars.js';
import { withErrorMapping } from '../../../graphql/withErrorMapping.js';
import type { Resolvers } from '../resolvers.generated.js';
import { Experiment } from './Experiment.js';
import { Artifact, DatasetInput, Metric } from './leaves.js';
import { Mutation } from './Mutation.js';
import { Query } from './Query.js';
import { Run } from './Run.js';

/** All resolvers of the tracking subgraph, errors mapped to the closed code set. */
export const resolvers: Resolvers = withErrorMapping({
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
});
