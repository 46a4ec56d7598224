import { isObjectType, type GraphQLSchema } from 'graphql';
import { toGraphQLError } from '../errors/toGraphQLError.js';

type AnyFn = (...args: unknown[]) => unknown;

function wrap(fn: AnyFn): AnyFn {
  return function mapped(this: unknown, ...args: unknown[]) {
    try {
      const result = fn.apply(this, args);
      if (result instanceof Promise) return result.catch((error: unknown) => Promise.reject(toGraphQLError(error)));
      return result;
    } catch (error) {
      throw toGraphQLError(error);
    }
  };
}

/**
 * Wraps every resolver of an executable subgraph schema (field resolvers and `__resolveReference`) so anything it
 * throws leaves as a GraphQL error with a code from the closed set, mapped once, by toGraphQLError. Applied last
 * (outside the authorization checks), so loaders, upstream clients and the checks all throw their own errors
 * and this is the one conversion on the way back. Done in the subgraph, so the mapping holds in-process and
 * when the subgraph runs as its own server behind any gateway or router. Federation's own `_entities` and
 * `_service` are left alone: `_entities` calls the wrapped `__resolveReference` of each type.
 */
export function withErrorMapping(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('_')) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.name.startsWith('_') || !field.resolve) continue;
      field.resolve = wrap(field.resolve as AnyFn) as typeof field.resolve;
    }
    const subgraph = (type.extensions as { apollo?: { subgraph?: { resolveReference?: AnyFn } } }).apollo?.subgraph;
    if (subgraph?.resolveReference) subgraph.resolveReference = wrap(subgraph.resolveReference);
  }
  return schema;
}
