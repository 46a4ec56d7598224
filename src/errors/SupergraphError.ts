import { GraphQLError } from 'graphql';
import type { ErrorCode } from './ErrorCode.js';

/** Extra, non-secret facts an error may carry to the client. */
export interface SupergraphErrorExtensions {
  /** MLflow's own `error_code` (e.g. RESOURCE_DOES_NOT_EXIST), when the error came from MLflow. */
  mlflowErrorCode?: string;
  /** HTTP status the upstream answered with. */
  upstreamStatus?: number;
  [key: string]: unknown;
}

/**
 * The one GraphQL error class raised on purpose by this project (by auth/, the subgraphs and toGraphQLError).
 * Its message and extensions are safe to show a client; anything else that reaches the error formatter is
 * masked. upstream/ and cache/ never build one: they throw UpstreamError, which toGraphQLError maps.
 */
export class SupergraphError extends GraphQLError {
  override readonly name = 'SupergraphError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, extensions: SupergraphErrorExtensions = {}, cause?: unknown) {
    super(message, { extensions: { ...extensions, code } });
    this.code = code;
    if (cause !== undefined) Object.defineProperty(this, 'cause', { value: cause, enumerable: false });
  }
}

/** Raised when an object does not exist; the field resolves to null where the schema allows it. */
export class NotFoundError extends SupergraphError {
  constructor(message: string, extensions: SupergraphErrorExtensions = {}) {
    super('NOT_FOUND', message, extensions);
  }
}

/** Raised for input the graph rejects before (or instead of) calling upstream. */
export class BadUserInputError extends SupergraphError {
  constructor(message: string, extensions: SupergraphErrorExtensions = {}) {
    super('BAD_USER_INPUT', message, extensions);
  }
}

/** Raised when the configured backend lacks an operation (e.g. transition requests outside Databricks). */
export class UnsupportedByBackendError extends SupergraphError {
  constructor(operation: string, backend: string) {
    super('UNSUPPORTED_BY_BACKEND', `${operation} is not supported by the ${backend} backend`, { backend });
  }
}

/** Raised when the caller may not do or see something. */
export class ForbiddenError extends SupergraphError {
  constructor(message = 'Permission denied', extensions: SupergraphErrorExtensions = {}) {
    super('FORBIDDEN', message, extensions);
  }
}

/** Raised when the caller is not known. */
export class UnauthenticatedError extends SupergraphError {
  constructor(message = 'Authentication required') {
    super('UNAUTHENTICATED', message);
  }
}

/** Used in exhaustive switches: reaching it is a programming error. */
export class UnreachableCaseError extends Error {
  constructor(value: never) {
    super(`Unreachable case: ${JSON.stringify(value)}`);
  }
}
