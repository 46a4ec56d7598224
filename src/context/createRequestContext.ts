import { randomUUID } from 'node:crypto';
import { principalFromHeaders } from '../auth/principalFromHeaders.js';
import { MlflowAuthClient } from '../upstream/mlflow-auth/MlflowAuthClient.js';
import { MlflowClient } from '../upstream/mlflow/MlflowClient.js';
import type { RestClientOptions } from '../upstream/http/RestClient.js';
import type { RequestContext } from './RequestContext.js';
import type { Services } from './Services.js';
import type { Principal } from './Principal.js';

/** Headers as node:http gives them. */
export type IncomingHeaders = Record<string, string | string[] | undefined>;

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Builds the per-request context: the caller, their MLflow client, fresh per-request memo. */
export function createRequestContext(services: Services, headers: IncomingHeaders, principal?: Principal): RequestContext {
  const incoming = headers['x-request-id'];
  const candidate = Array.isArray(incoming) ? incoming[0] : incoming;
  const requestId = candidate && REQUEST_ID.test(candidate) ? candidate : randomUUID();
  const caller = principal ?? principalFromHeaders(headers, services.config);
  const upstreamCalls = { calls: 0 };
  const clientOptions: RestClientOptions = {
    http: services.mlflowHttp,
    limiter: services.mlflowLimiter,
    ...(caller.authorization ? { authorization: caller.authorization } : {}),
    headers: { 'x-request-id': requestId },
    counter: upstreamCalls,
  };
  return {
    requestId,
    principal: caller,
    services,
    mlflow: new MlflowClient(clientOptions),
    mlflowAuth: new MlflowAuthClient(clientOptions),
    upstreamCalls,
    memo: new Map(),
  };
}
