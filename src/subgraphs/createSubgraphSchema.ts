import type { GraphQLSchema } from 'graphql';
import { applyAuthorization, type AuthorizationOptions } from '../auth/applyAuthorization.js';
import type { RequestContext } from '../context/RequestContext.js';
import { applyFieldGates, type FieldGate } from '../graphql/fieldGates.js';
import { withErrorMapping } from '../graphql/withErrorMapping.js';
import { buildSchemaFromSdl, type SubgraphName } from './loadSchema.js';

/**
 * A subgraph's executable schema, built the same way for every subgraph: its SDL and resolvers, its authorization
 * directives enforced with `authorization` (which object or argument each check is about), the backend's `gates`
 * in front of them (fields a backend may lack: refused before any check or call), and error mapping outermost, so
 * what the resolvers, the gates and the authorization checks throw is mapped once, here.
 */
export function createSubgraphSchema(
  name: SubgraphName,
  resolvers: unknown,
  authorization: AuthorizationOptions<RequestContext>,
  gates: Readonly<Record<string, FieldGate<RequestContext>>> = {},
): GraphQLSchema {
  const schema = applyAuthorization<RequestContext>(buildSchemaFromSdl(name, resolvers), authorization);
  return withErrorMapping(applyFieldGates(schema, gates));
}
