import type { GraphQLSchema } from 'graphql';
import { buildSchemaFromSdl } from '../loadSchema.js';
import { resolvers } from './resolvers/index.js';

/** The executable tracking subgraph schema. */
export function createTrackingSchema(): GraphQLSchema {
  return buildSchemaFromSdl('tracking', resolvers);
}
