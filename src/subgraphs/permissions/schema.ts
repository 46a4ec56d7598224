import type { GraphQLSchema } from 'graphql';
import { applyAuthorization } from '../../auth/applyAuthorization.js';
import type { RequestContext } from '../../context/RequestContext.js';
import { withErrorMapping } from '../../graphql/withErrorMapping.js';
import { buildSchemaFromSdl } from '../loadSchema.js';
import type { ExperimentRefModel, RegisteredModelRefModel } from './mappers.js';
import { resolvers } from './resolvers/index.js';

/** The executable permissions subgraph schema, with its authorization directives enforced. */
export function createPermissionsSchema(): GraphQLSchema {
  // Error mapping outermost: what the resolvers and the authorization checks throw is mapped once, here.
  return withErrorMapping(
    applyAuthorization<RequestContext>(buildSchemaFromSdl('permissions', resolvers), {
      objectResource: {
        Experiment: (object: ExperimentRefModel) => ({ kind: 'experiment', id: object.id }),
        RegisteredModel: (object: RegisteredModelRefModel) => ({ kind: 'registeredModel', name: object.name }),
      },
      argumentResource: {
        experiment: (id) => ({ kind: 'experiment', id }),
        model: (name) => ({ kind: 'registeredModel', name }),
      },
    }),
  );
}
