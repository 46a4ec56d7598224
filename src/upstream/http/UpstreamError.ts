/**
 * Why an upstream call failed, independent of GraphQL: this layer never builds GraphQL errors (lint keeps
 * upstream/ free of graphql); src/errors/toGraphQLError.ts alone maps each kind to a code of the closed set.
 */
export type UpstreamFailure =
  | 'http' // the upstream answered with a non-2xx status
  | 'timeout' // no answer in time
  | 'network' // connection refused or reset
  | 'malformed' // a 2xx answer whose body is not the JSON we expected
  | 'refused' // not sent: the request, as the caller's input made it, is one the upstream cannot take
  | 'callBudget' // not sent, or cut off: the request used up its budget of upstream calls or of bytes received
  | 'unsupported' // not sent: the configured backend lacks this operation or would ignore an argument (`backend`)
  | 'forbidden'; // the upstream refused the caller for a reason the message explains (`requiredScope`, if any)

/** Fields for {@link UpstreamError}. */
export interface UpstreamErrorInit {
  upstream: string;
  endpoint: string;
  failure: UpstreamFailure;
  status?: number;
  errorCode?: string;
  message: string;
  cause?: unknown;
  /** For `callBudget`: which budget (`upstreamCalls`: GRAPHQL_MAX_UPSTREAM_CALLS; `upstreamBytes`: GRAPHQL_MAX_UPSTREAM_BYTES). */
  limit?: 'upstreamCalls' | 'upstreamBytes';
  /** For `callBudget`: the budget. */
  max?: number;
  /** For `unsupported`: the backend kind that lacks the operation (`mlflow`, `databricks`, `gitlab`). */
  backend?: string;
  /** For `forbidden`: the token scope that would be allowed (e.g. GitLab's `api`). */
  requiredScope?: string;
}

/**
 * An upstream REST call failed. Carries MLflow's `error_code` and the HTTP status; never the request's
 * credentials (the message is built from the response only, and the endpoint is a route name, not a URL).
 */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  readonly upstream: string;
  readonly endpoint: string;
  readonly failure: UpstreamFailure;
  readonly status: number | undefined;
  readonly errorCode: string | undefined;
  readonly limit: 'upstreamCalls' | 'upstreamBytes' | undefined;
  readonly max: number | undefined;
  readonly backend: string | undefined;
  readonly requiredScope: string | undefined;

  constructor(init: UpstreamErrorInit) {
    super(init.message);
    this.upstream = init.upstream;
    this.endpoint = init.endpoint;
    this.failure = init.failure;
    this.status = init.status;
    this.errorCode = init.errorCode;
    this.limit = init.limit;
    this.max = init.max;
    this.backend = init.backend;
    this.requiredScope = init.requiredScope;
    if (init.cause !== undefined) Object.defineProperty(this, 'cause', { value: init.cause, enumerable: false });
  }
}

/** Whether an upstream error means "no such object" (MLflow's RESOURCE_DOES_NOT_EXIST, or a JSON 404). */
export function isNotFound(error: unknown): boolean {
  return (
    error instanceof UpstreamError &&
    (error.errorCode === 'RESOURCE_DOES_NOT_EXIST' || (error.status === 404 && error.errorCode !== undefined))
  );
}

/** Resolves to null instead of throwing when the object does not exist (`run(id:)` answers null, no error). */
export async function orNull<T>(
  fetch: () => Promise<T>,
  notFound: (error: unknown) => boolean = isNotFound,
): Promise<T | null> {
  try {
    return await fetch();
  } catch (error) {
    if (notFound(error)) return null;
    throw error;
  }
}
