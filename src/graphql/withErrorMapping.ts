import { GraphQLScalarType } from 'graphql';
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
 * Wraps every resolver of a resolver map so anything it throws leaves as a GraphQL error with a code from
 * the closed set (via toGraphQLError). Done in the subgraph, so the mapping holds in-process and when the
 * subgraph runs as its own server behind any gateway or router.
 */
export function withErrorMapping<T extends object>(resolvers: T): T {
  const out: Record<string, unknown> = {};
  for (const [typeName, fields] of Object.entries(resolvers)) {
    if (fields instanceof GraphQLScalarType || typeof fields !== 'object' || fields === null) {
      out[typeName] = fields;
      continue;
    }
    const wrapped: Record<string, unknown> = {};
    for (const [field, resolver] of Object.entries(fields as Record<string, unknown>)) {
      if (typeof resolver === 'function') wrapped[field] = wrap(resolver as AnyFn);
      else if (
        resolver &&
        typeof resolver === 'object' &&
        typeof (resolver as { resolve?: unknown }).resolve === 'function'
      ) {
        wrapped[field] = { ...resolver, resolve: wrap((resolver as { resolve: AnyFn }).resolve) };
      } else wrapped[field] = resolver;
    }
    out[typeName] = wrapped;
  }
  return out as T;
}
