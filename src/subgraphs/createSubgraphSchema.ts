import type { GraphQLSchema } from 'graphql';
import { applyAuthorization, type AuthorizationOptions } from '../auth/applyAuthorization.js';
import type { RequestContext } from '../context/RequestContext.js';
import { withErrorMapping } from '../graphql/withErrorMapping.js';
import { buildSchemaFromSdl, type SubgraphName } from './loadSchema.js';

/**
 * A subgraph's executable schema, built the same way for every subgraph: its SDL and resolvers, its authorization
 * directives enforced with `authorization` (which object or argument each check is about), and error mapping
 * outermost, so what the resolvers and the authorization checks throw is mapped once, here.
 */
export function createSubgraphSchema(
  name: SubgraphName,
  resolvers: unknown,
  authorization: AuthorizationOptions<RequestContext>,
): GraphQLSchema {
  return withErrorMapping(applyAuthorization<RequestContext>(buildSchemaFromSdl(name, resolvers), authorization));
}
