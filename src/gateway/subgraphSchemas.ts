import type { GraphQLSchema } from 'graphql';
import type { PrefetchToken } from '../context/prefetch.js';
import type { RequestContext } from '../context/RequestContext.js';
import type { SubgraphName } from '../subgraphs/loadSchema.js';
import { createPermissionsSchema } from '../subgraphs/permissions/schema.js';
import { registryPrefetches } from '../subgraphs/registry/prefetch.js';
import { createRegistrySchema } from '../subgraphs/registry/schema.js';
import { createTrackingSchema } from '../subgraphs/tracking/schema.js';

/** Builds the executable schema of each subgraph (for in-process serving and subgraph servers). */
export const subgraphSchemaFactories: Partial<Record<SubgraphName, () => GraphQLSchema>> = {
  tracking: createTrackingSchema,
  registry: createRegistrySchema,
  permissions: createPermissionsSchema,
};

/** The subgraphs' follow-ups (context/prefetch.ts), armed per operation by the in-process gateway (usePrefetch). */
export const subgraphPrefetches: readonly PrefetchToken<RequestContext>[] = [...registryPrefetches];
