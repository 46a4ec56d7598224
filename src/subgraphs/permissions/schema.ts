import type { GraphQLSchema } from 'graphql';
import { createSubgraphSchema } from '../createSubgraphSchema.js';
import type { ExperimentRefModel, RegisteredModelRefModel } from './mappers.js';
import { resolvers } from './resolvers/index.js';

/** The executable permissions subgraph schema, with its authorization directives enforced. */
export function createPermissionsSchema(): GraphQLSchema {
  return createSubgraphSchema('permissions', resolvers, {
    objectResource: {
      Experiment: (object: ExperimentRefModel) => ({ kind: 'experiment', id: object.id }),
      RegisteredModel: (object: RegisteredModelRefModel) => ({ kind: 'registeredModel', name: object.name }),
    },
    argumentResource: {
      experiment: (id) => ({ kind: 'experiment', id }),
      model: (name) => ({ kind: 'registeredModel', name }),
    },
  });
}
