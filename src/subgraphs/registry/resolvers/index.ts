import { TimestampScalar } from '../../../graphql/scalars.js';
import { withErrorMapping } from '../../../graphql/withErrorMapping.js';
import type { Resolvers } from '../resolvers.generated.js';
import {
  DeleteModelVersionPayload,
  ModelVersionActivity,
  ModelVersionActivityPayload,
  ModelVersionComment,
  TransitionRequest,
} from './leaves.js';
import { ModelVersion } from './ModelVersion.js';
import { Mutation } from './Mutation.js';
import { Query } from './Query.js';
import { ModelAlias, RegisteredModel } from './RegisteredModel.js';
import { Run } from './Run.js';

/** All resolvers of the registry subgraph, errors mapped to the closed code set. */
export const resolvers: Resolvers = withErrorMapping({
  Timestamp: TimestampScalar,
  Query,
  Mutation,
  RegisteredModel,
  ModelAlias,
  ModelVersion,
  Run,
  TransitionRequest,
  ModelVersionActivity,
  ModelVersionComment,
  ModelVersionActivityPayload,
  DeleteModelVersionPayload,
});
