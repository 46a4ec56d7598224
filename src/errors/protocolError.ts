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
  const { status, extensions = {} } = options;
  return new GraphQLError(message, {
    extensions: { code, ...extensions, ...(status === undefined ? {} : { http: { status } }) },
  });
}
