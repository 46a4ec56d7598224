import type { GraphQLSchema } from 'graphql';
import type { Resource } from '../../auth/Resource.js';
import type { WireModelVersion, WireRegisteredModel } from '../../upstream/mlflow/wire.js';
import type { LoggedModelRefModel } from './mappers.js';
import { createSubgraphSchema } from '../createSubgraphSchema.js';
import { promptGates } from './promptSupport.js';
import { resolvers } from './resolvers/index.js';
import { webhookGates } from './webhookSupport.js';

const model = (name: string): Resource => ({ kind: 'registeredModel', name });

/** The executable registry subgraph schema, with its authorization directives enforced. */
export function createRegistrySchema(): GraphQLSchema {
  return createSubgraphSchema(
    'registry',
    resolvers,
    {
      // Versions are governed by their model's permissions (as in MLflow and Databricks).
      objectResource: {
        RegisteredModel: (object: WireRegisteredModel) => model(object.name),
        ModelVersion: (object: WireModelVersion) => model(object.name),
        // A prompt is a registered model (MLflow's permissions govern it as one), and its versions are model versions.
        Prompt: (object: WireRegisteredModel) => model(object.name),
        PromptVersion: (object: WireModelVersion) => model(object.name),
        // A logged model is governed by its experiment, which the tracking subgraph reports with the reference.
        LoggedModel: (object: LoggedModelRefModel): Resource => {
          if (!object.experimentId)
            throw new Error('registry: a LoggedModel reference without its experimentId cannot be authorized');
          return { kind: 'experiment', id: object.experimentId };
        },
      },
      argumentResource: {
        model: (name) => model(name),
      },
    },
    { ...promptGates, ...webhookGates },
  );
}
