import type { Got } from 'got';
import { callRest, type CallObserver } from '../http/callRest.js';
import type { Limiter } from '../http/createLimiter.js';
import type { Endpoint } from '../http/endpoint.js';
import type { DatabricksApi } from './DatabricksApi.js';
import { databricksEndpoints, type DatabricksEndpoint } from './endpoints.js';

/** What a DatabricksClient needs: the workspace's connection pool and the caller's credentials. */
export interface DatabricksClientOptions {
  /** The got instance of the workspace (the MLflow one: Databricks serves MLflow's API on the same host). */
  http: Got;
  /** Bounds concurrent calls to the workspace across all requests of the process (share MLflow's). */
  limiter: Limiter;
  /** The caller's `Authorization` header, forwarded verbatim. */
  authorization?: string;
  /** Extra headers (x-request-id). */
  headers?: Record<string, string>;
  observe?: CallObserver;
}

/** GET-style query string from params (undefined dropped), as Databricks' SDKs encode DELETE requests. */
function queryString(params: Record<string, unknown>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null) search.append(key, String(value));
  return search.toString();
}

/**
 * Typed access to the Databricks-only registry endpoints for one request (one caller). Like MlflowClient, it
 * is created per request so credentials never cross callers; the got instance and limiter are shared.
 */
export class DatabricksClient {
  /** Upstream calls made through this client (per request). */
  callCount = 0;

  constructor(private readonly options: DatabricksClientOptions) {}

  /** Calls `name` with wire params and resolves to its wire response, or throws an UpstreamError. */
  call<K extends keyof DatabricksApi>(name: K, params: DatabricksApi[K]['params']): Promise<DatabricksApi[K]['response']> {
    this.callCount += 1;
    const { http, limiter, authorization, headers, observe } = this.options;
    const row: DatabricksEndpoint = databricksEndpoints[name];
    // Databricks documents the DELETE endpoints' parameters as query parameters, while MLflow-style servers
    // read a JSON body: send both, so either kind of server sees them. The route (used in errors) stays the row.
    const target: Endpoint = row.query ? { ...row, path: `${row.path}?${queryString(params as Record<string, unknown>)}` } : row;
    return limiter(
      () =>
        callRest(
          http,
          'Databricks',
          target,
          params as Record<string, unknown>,
          { ...(authorization ? { authorization } : {}), ...(headers ? { headers } : {}) },
          observe,
        ) as Promise<DatabricksApi[K]['response']>,
    );
  }
}
