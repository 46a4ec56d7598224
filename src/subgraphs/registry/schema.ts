import type { GraphQLSchema } from 'graphql';
import { applyAuthorization } from '../../auth/applyAuthorization.js';
import type { Resource } from '../../auth/Resource.js';
import type { RequestContext } from '../../context/RequestContext.js';
import type { WireModelVersion, WireRegisteredModel } from '../../upstream/mlflow/wire.js';
import { withErrorMapping } from '../../graphql/withErrorMapping.js';
import { buildSchemaFromSdl } from '../loadSchema.js';
import { resolvers } from './resolvers/index.js';

const model = (name: string): Resource => ({ kind: 'registeredModel', name });

/** The executable registry subgraph schema, with its authorization directives enforced. */
export function createRegistrySchema(): GraphQLSchema {
  // Error mapping outermost: what the resolvers and the authorization checks throw is mapped once, here.
  return withErrorMapping(
    applyAuthorization<RequestContext>(buildSchemaFromSdl('registry', resolvers), {
      // Versions are governed by their model's permissions (as in MLflow and Databricks).
      objectResource: {
        RegisteredModel: (object: WireRegisteredModel) => model(object.name),
        ModelVersion: (object: WireModelVersion) => model(object.name),
      },
      argumentResource: {
        model: (name) => model(name),
      },
    }),
  );
}
