import type { GraphQLSchema } from 'graphql';
import type { SubgraphName } from '../subgraphs/loadSchema.js';
import { createPermissionsSchema } from '../subgraphs/permissions/schema.js';
import { createRegistrySchema } from '../subgraphs/registry/schema.js';
import { createTrackingSchema } from '../subgraphs/tracking/schema.js';

/** Builds the executable schema of each subgraph (for in-process serving and subgraph servers). */
export const subgraphSchemaFactories: Partial<Record<SubgraphName, () => GraphQLSchema>> = {
  tracking: createTrackingSchema,
  registry: createRegistrySchema,
  permissions: createPermissionsSchema,
};
