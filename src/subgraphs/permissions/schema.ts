import type { GraphQLSchema } from 'graphql';
import { createSubgraphSchema } from '../createSubgraphSchema.js';
import type { ExperimentRefModel, PromptRefModel, RegisteredModelRefModel } from './mappers.js';
import { resolvers } from './resolvers/index.js';

/** The executable permissions subgraph schema, with its authorization directives enforced. */
export function createPermissionsSchema(): GraphQLSchema {
  return createSubgraphSchema('permissions', resolvers, {
    objectResource: {
      Experiment: (object: ExperimentRefModel) => ({ kind: 'experiment', id: object.id }),
      RegisteredModel: (object: RegisteredModelRefModel) => ({ kind: 'registeredModel', name: object.name }),
      // A prompt is the registered model of the same name (MLflow checks its grants as a model's).
      Prompt: (object: PromptRefModel) => ({ kind: 'registeredModel', name: object.name }),
    },
    argumentResource: {
      experiment: (id) => ({ kind: 'experiment', id }),
      model: (name) => ({ kind: 'registeredModel', name }),
    },
  });
}
