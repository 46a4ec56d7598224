import type { GraphQLSchema } from 'graphql';
import { buildSchemaFromSdl } from '../loadSchema.js';
import { resolvers } from './resolvers/index.js';

/** The executable registry subgraph schema. */
export function createRegistrySchema(): GraphQLSchema {
  return buildSchemaFromSdl('registry', resolvers);
}
