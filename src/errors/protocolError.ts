import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { ErrorCode } from './ErrorCode.js';

/**
 * Codes a protocol error may carry: the closed set, or SUBSCRIPTIONS_NOT_SUPPORTED, which the gateway's formatError
 * folds into BAD_USER_INPUT with the code as `reason` (as it does Apollo's GRAPHQL_PARSE_FAILED and the like).
 */
export type ProtocolErrorCode = ErrorCode | 'SUBSCRIPTIONS_NOT_SUPPORTED';

/** What a protocol error carries besides its code and message. */
export interface ProtocolErrorOptions {
  /** The HTTP status of the whole answer (Apollo Server reads `extensions.http` and leaves it out of the body). */
  status?: number;
  /** HTTP headers of the whole answer (e.g. Retry-After), sent the same way. */
  headers?: Record<string, string>;
  /** Facts for the client (`limit`, `serviceName`, ...): the gateway's formatError keeps only the known, safe ones. */
  extensions?: Record<string, unknown>;
}

/**
 * A refusal of the request as a whole, raised by the HTTP-facing plugins of the gateway and the subgraphs (operation
 * resolution, persisted queries, limits, subgraph signatures): a plain GraphQLError with `extensions.code` and, when
 * the HTTP status must say so too, `extensions.http`. Field errors are SupergraphErrors, mapped by toGraphQLError.
 */
export function protocolError(
  code: ProtocolErrorCode,
  message: string,
  options: ProtocolErrorOptions = {},
): GraphQLError {
  const { status, headers, extensions = {} } = options;
  const http = {
    ...(status === undefined ? {} : { status }),
    ...(headers === undefined ? {} : { headers: new HeaderMap(Object.entries(headers)) }),
  };
  // Apollo reads `http.headers` as its HeaderMap; typed loosely here, as graphql-yoga (a dev dependency through
  // Hive Gateway) augments GraphQLErrorExtensions with a `headers` record of its own.
  const all: Record<string, unknown> = { code, ...extensions, ...(Object.keys(http).length === 0 ? {} : { http }) };
  return new GraphQLError(message, { extensions: all });
}
