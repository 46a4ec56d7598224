import { randomUUID } from 'node:crypto';
import { principalFromHeaders } from '../auth/principalFromHeaders.js';
import { upstreamHooks } from '../observability/upstreamHooks.js';
import { MlflowAuthClient } from '../upstream/mlflow-auth/MlflowAuthClient.js';
import { MlflowClient } from '../upstream/mlflow/MlflowClient.js';
import type { RestClientOptions } from '../upstream/http/RestClient.js';
import type { RequestContext } from './RequestContext.js';
import type { Services } from './Services.js';
import type { Principal } from './Principal.js';

/** Headers as node:http gives them. */
export type IncomingHeaders = Record<string, string | string[] | undefined>;

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's `x-request-id` when it is a sane token (letters, digits, `._:-`, ≤128), else a new UUID. */
export function acceptRequestId(incoming: string | string[] | undefined): string {
  const candidate = Array.isArray(incoming) ? incoming[0] : incoming;
  return candidate && REQUEST_ID.test(candidate) ? candidate : randomUUID();
}

const CLIENT_OPTIONS = Symbol('context.upstreamClientOptions');

/** Builds the per-request context: the caller, their MLflow client, fresh per-request memo. */
export function createRequestContext(
  services: Services,
  headers: IncomingHeaders,
  principal?: Principal,
): RequestContext {
  const requestId = acceptRequestId(headers['x-request-id']);
  const caller = principal ?? principalFromHeaders(headers, services.config);
  // The hard per-request budget: the call past it is not sent (the gateway refuses most such queries earlier).
  const upstreamCalls = {
    calls: 0,
    max: services.config.limits.maxUpstreamCalls,
    bytes: 0,
    maxBytes: services.config.limits.maxUpstreamBytes,
  };
  const clientOptions: RestClientOptions = {
    http: services.mlflowHttp,
    limiter: services.mlflowLimiter,
    ...(caller.authorization ? { authorization: caller.authorization } : {}),
    headers: { 'x-request-id': requestId },
    counter: upstreamCalls,
    breaker: services.mlflowBreaker,
    // The request's time budget starts now: calls after it fail fast with UPSTREAM_TIMEOUT.
    deadline: Date.now() + services.config.requestTimeoutMs,
    ...upstreamHooks(services.telemetry, requestId),
  };
  return {
    requestId,
    principal: caller,
    services,
    mlflow: new MlflowClient(clientOptions, services.profile),
    mlflowAuth: new MlflowAuthClient(clientOptions),
    upstreamCalls,
    memo: new Map<symbol, unknown>([[CLIENT_OPTIONS, clientOptions]]),
  };
}

/**
 * The options this request's MLflow clients were built with (caller's credentials, request id, call counter,
 * circuit breaker, time budget, metrics and tracing hooks), for any other client of the same upstream host
 * (Databricks APIs), so its calls are protected and observed the same way.
 */
export function upstreamClientOptions(context: RequestContext): RestClientOptions {
  const options = context.memo.get(CLIENT_OPTIONS) as RestClientOptions | undefined;
  if (!options)
    throw new TypeError(
      'upstreamClientOptions: expected a context built by createRequestContext, got one without client options',
    );
  return options;
}
