// A copy of the server's src/errors/ErrorCode.ts, so the client package imports no server code;
// test/unit/client/errorCodes.test.ts (root repo) fails when the two differ.

/** The closed set of `extensions.code` values the graph ever returns (DESIGN §7). */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  UNSUPPORTED_BY_BACKEND: 'UNSUPPORTED_BY_BACKEND',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  /**
   * The operation would exceed a bound of this gateway (HTTP 400, before any upstream call where it can be known
   * in advance): `extensions.limit` says which (`depth`, `aliases`, `cost`, `upstreamCalls`, `upstreamBytes`, `responseBytes`).
   */
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** No operation to run: several in the document and no `operationName`, or an `operationName` it lacks (HTTP 400). */
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
  /** Automatic persisted queries: the hash is not known yet; send the query text with it once (HTTP 200, APQ protocol). */
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  /** Automatic persisted queries are turned off on this gateway (GRAPHQL_APQ=false). */
  PERSISTED_QUERY_NOT_SUPPORTED: 'PERSISTED_QUERY_NOT_SUPPORTED',
  /** The query text sent with a persisted-query hash does not hash to it (HTTP 400). */
  PERSISTED_QUERY_HASH_MISMATCH: 'PERSISTED_QUERY_HASH_MISMATCH',
} as const;

/** One of the codes in {@link ErrorCode}. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Every code, for validation and exhaustive tests. */
export const ALL_ERROR_CODES: readonly ErrorCode[] = Object.values(ErrorCode);
