import type { ErrorCode } from './ErrorCode.js';

/** Codes of the persisted-query protocol a gateway may answer with; the client handles them itself. */
export type PersistedQueryCode = 'PERSISTED_QUERY_NOT_FOUND' | 'PERSISTED_QUERY_NOT_SUPPORTED';

/**
 * Why a request was refused as a whole with BAD_USER_INPUT (HTTP 400): GraphQL's own checks, Apollo's request
 * checks, a subscription (this graph has none), an APQ version other than 1. Open-ended: new reasons may appear.
 */
export type BadUserInputReason =
  | 'GRAPHQL_PARSE_FAILED'
  | 'GRAPHQL_VALIDATION_FAILED'
  | 'BAD_REQUEST'
  | 'SUBSCRIPTIONS_NOT_SUPPORTED'
  | 'PERSISTED_QUERY_VERSION_UNSUPPORTED';

/** One GraphQL error as the gateway sends it: `extensions.code` is always one of the closed set (DESIGN §7). */
export interface SupergraphGraphQLError {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly locations?: readonly { line: number; column: number }[];
  readonly extensions: {
    /**
     * One of the closed set, protocol codes included (OPERATION_RESOLUTION_FAILURE, PERSISTED_QUERY_HASH_MISMATCH,
     * QUERY_TOO_COMPLEX; the request was refused with HTTP 400).
     */
    readonly code: ErrorCode | PersistedQueryCode;
    /** MLflow's own `error_code` (e.g. RESOURCE_DOES_NOT_EXIST), when the error came from MLflow. */
    readonly mlflowErrorCode?: string;
    /** HTTP status the upstream answered with. */
    readonly upstreamStatus?: number;
    /** The scope a read-only caller lacked (FORBIDDEN on a mutation). */
    readonly requiredScope?: string;
    /** For a BAD_USER_INPUT refusing the whole request: which check refused it. */
    readonly reason?: BadUserInputReason | (string & {});
    readonly [key: string]: unknown;
  };
}

/** Base class of everything the client throws. */
export class SupergraphClientError extends Error {
  override readonly name: string = 'SupergraphClientError';
}

/**
 * The gateway answered, with GraphQL errors. `code` is the first error's code (the closed set of
 * src/errors/ErrorCode.ts), `errors` all of them, and `data` whatever part of the result resolved.
 */
export class SupergraphRequestError<TData = unknown> extends SupergraphClientError {
  override readonly name = 'SupergraphRequestError';
  readonly code: ErrorCode;
  readonly errors: readonly SupergraphGraphQLError[];
  readonly data: TData | null | undefined;
  readonly operationName: string | undefined;
  /** HTTP status of the response (200 for field errors, 4xx for requests rejected as a whole). */
  readonly status: number;

  constructor(
    operationName: string | undefined,
    errors: readonly SupergraphGraphQLError[],
    data: TData | null | undefined,
    status: number,
  ) {
    const first = errors[0];
    super(
      `${operationName ?? 'GraphQL operation'} failed: ${first ? `${first.extensions.code}: ${first.message}` : 'unknown error'}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`,
    );
    this.code = toClosedCode(first?.extensions.code);
    this.errors = errors;
    this.data = data;
    this.operationName = operationName;
    this.status = status;
  }

  /** True when any error carries `code` (e.g. `error.has('FORBIDDEN')`). */
  has(code: ErrorCode): boolean {
    return this.errors.some((error) => error.extensions.code === code);
  }
}

/** The request never produced a GraphQL response: network failure, timeout, or a non-GraphQL answer. */
export class SupergraphTransportError extends SupergraphClientError {
  override readonly name = 'SupergraphTransportError';
  /** HTTP status, when an answer came at all. */
  readonly status: number | undefined;

  constructor(message: string, status?: number, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.status = status;
  }
}

/** Protocol codes surface as INTERNAL_SERVER_ERROR: the client retries them itself, so one left over is a gateway fault. */
function toClosedCode(code: ErrorCode | PersistedQueryCode | undefined): ErrorCode {
  if (code === undefined || code === 'PERSISTED_QUERY_NOT_FOUND' || code === 'PERSISTED_QUERY_NOT_SUPPORTED')
    return 'INTERNAL_SERVER_ERROR';
  return code;
}
