import { GraphQLError } from 'graphql';
import { UpstreamError } from '../upstream/http/UpstreamError.js';
import { ALL_ERROR_CODES, type ErrorCode } from './ErrorCode.js';
import { SupergraphError } from './SupergraphError.js';

/** MLflow `error_code` → graph code. Anything not listed falls back to the HTTP status. */
const MLFLOW_CODES: Record<string, ErrorCode> = {
  RESOURCE_DOES_NOT_EXIST: 'NOT_FOUND',
  NOT_FOUND: 'NOT_FOUND',
  INVALID_PARAMETER_VALUE: 'BAD_USER_INPUT',
  BAD_REQUEST: 'BAD_USER_INPUT',
  MALFORMED_REQUEST: 'BAD_USER_INPUT',
  INVALID_STATE: 'BAD_USER_INPUT',
  INVALID_STATE_TRANSITION: 'BAD_USER_INPUT',
  MAX_BLOB_SIZE_EXCEEDED: 'BAD_USER_INPUT',
  RESOURCE_ALREADY_EXISTS: 'CONFLICT',
  RESOURCE_CONFLICT: 'CONFLICT',
  ALREADY_EXISTS: 'CONFLICT',
  ABORTED: 'CONFLICT',
  PERMISSION_DENIED: 'FORBIDDEN',
  insufficient_scope: 'FORBIDDEN',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  UNAUTHORIZED: 'UNAUTHENTICATED',
  REQUEST_LIMIT_EXCEEDED: 'RATE_LIMITED',
  RESOURCE_EXHAUSTED: 'RATE_LIMITED',
  ENDPOINT_NOT_FOUND: 'UNSUPPORTED_BY_BACKEND',
  FEATURE_DISABLED: 'UNSUPPORTED_BY_BACKEND',
  NOT_IMPLEMENTED: 'UNSUPPORTED_BY_BACKEND',
  TEMPORARILY_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  DEADLINE_EXCEEDED: 'UPSTREAM_TIMEOUT',
};

// MLflow 2.x answers 500 INTERNAL_ERROR for a bad comparator in an experiments filter (corpus seq 21) while
// the same mistake in a runs filter is a 400. A 500 whose message is a filter/parse complaint is the
// caller's input, not an outage.
const BAD_INPUT_500 =
  /^(Invalid (comparator|filter|attribute|clause|order_by|value)|Error on parsing filter|Unsupported (comparator|filter))/i;

function codeForUpstream(error: UpstreamError): ErrorCode {
  switch (error.failure) {
    case 'timeout':
      return 'UPSTREAM_TIMEOUT';
    case 'network':
    case 'malformed':
      return 'UPSTREAM_UNAVAILABLE';
    case 'refused':
      return 'BAD_USER_INPUT';
    case 'callBudget':
      return 'QUERY_TOO_COMPLEX';
    case 'unsupported':
      return 'UNSUPPORTED_BY_BACKEND';
    case 'forbidden':
      return 'FORBIDDEN';
    case 'http':
      break;
  }
  const status = error.status ?? 0;
  if (status === 500 && error.errorCode === 'INTERNAL_ERROR' && BAD_INPUT_500.test(error.message))
    return 'BAD_USER_INPUT';
  const byCode = error.errorCode === undefined ? undefined : MLFLOW_CODES[error.errorCode];
  if (byCode) return byCode;
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  // A 404 or 405 without MLflow's JSON error is the web server saying "no such endpoint here".
  if (status === 404 || status === 405 || status === 501)
    return error.errorCode ? 'NOT_FOUND' : 'UNSUPPORTED_BY_BACKEND';
  if (status === 409) return 'CONFLICT';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 504) return 'UPSTREAM_TIMEOUT';
  if (status >= 500) return 'UPSTREAM_UNAVAILABLE';
  if (status === 400 || status === 413 || status === 414 || status === 422) return 'BAD_USER_INPUT';
  return 'UPSTREAM_UNAVAILABLE';
}

function upstreamMessage(error: UpstreamError, code: ErrorCode): string {
  switch (code) {
    case 'UPSTREAM_UNAVAILABLE':
      // Don't echo an upstream's internal error text: it can carry SQL, paths or stack traces.
      return error.failure === 'http'
        ? `${error.upstream} is unavailable (HTTP ${error.status ?? '?'})`
        : error.message;
    case 'UNAUTHENTICATED':
      return `${error.upstream} rejected the credentials: authenticate with a Bearer token or Basic credentials`;
    case 'FORBIDDEN':
      // A `forbidden` failure's message was written here to say what to change; an HTTP answer's is upstream text.
      return error.failure === 'forbidden' ? error.message : `${error.upstream}: permission denied`;
    default:
      return error.message;
  }
}

/**
 * The one place where an error becomes a client-facing GraphQL error with a code from the closed set, called
 * once per error by the subgraphs' resolver wrapper (graphql/withErrorMapping.ts). Our own errors pass through;
 * upstream failures are mapped from their kind, MLflow's error_code and the HTTP status; anything else is
 * masked as INTERNAL_SERVER_ERROR (its message may be a bug's internals).
 */
export function toGraphQLError(error: unknown): GraphQLError {
  if (error instanceof SupergraphError) return error;
  if (error instanceof UpstreamError) {
    const code = codeForUpstream(error);
    return new SupergraphError(
      code,
      upstreamMessage(error, code),
      {
        ...(error.failure === 'callBudget' ? { limit: error.limit, max: error.max } : {}),
        ...(error.backend === undefined ? {} : { backend: error.backend }),
        ...(error.requiredScope === undefined ? {} : { requiredScope: error.requiredScope }),
        ...(error.errorCode === undefined ? {} : { mlflowErrorCode: error.errorCode }),
        ...(error.status === undefined ? {} : { upstreamStatus: error.status }),
      },
      error,
    );
  }
  if (error instanceof GraphQLError) {
    const code = error.extensions?.code;
    if (typeof code === 'string' && (ALL_ERROR_CODES as readonly string[]).includes(code)) return error;
    if (error.originalError) return toGraphQLError(error.originalError);
    // graphql-js validation/coercion errors (bad variables) carry no originalError: the caller's input.
    return new SupergraphError('BAD_USER_INPUT', error.message);
  }
  return new SupergraphError('INTERNAL_SERVER_ERROR', 'Internal server error', {}, error);
}

/** The code an error maps to, for code that decides by it (auth backends, the bulk-history fallback) and tests. */
export function errorCodeOf(error: unknown): ErrorCode {
  const code = toGraphQLError(error).extensions.code;
  return (ALL_ERROR_CODES as readonly string[]).includes(code as string)
    ? (code as ErrorCode)
    : 'INTERNAL_SERVER_ERROR';
}
