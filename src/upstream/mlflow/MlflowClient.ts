import type { Got } from 'got';
import { callRest, type CallObserver } from '../http/callRest.js';
import type { Limiter } from '../http/createLimiter.js';
import { mlflowEndpoints } from './endpoints.js';
import type { MlflowApi } from './MlflowApi.js';

/** What an MlflowClient needs: the shared connection pool and the caller's credentials. */
export interface MlflowClientOptions {
  http: Got;
  /** Bounds concurrent calls to this upstream across all requests of the process. */
  limiter: Limiter;
  /** The caller's `Authorization` header, forwarded verbatim. */
  authorization?: string;
  /** Extra headers (x-request-id). */
  headers?: Record<string, string>;
  observe?: CallObserver;
}

/**
 * Typed access to MLflow's REST API for one request (one caller). Created per request so credentials never
 * cross callers; the got instance and limiter underneath are shared.
 */
export class MlflowClient {
  /** Upstream calls made through this client (per request). */
  callCount = 0;

  constructor(private readonly options: MlflowClientOptions) {}

  /** Calls `name` with wire params and resolves to its wire response, or throws an UpstreamError. */
  call<K extends keyof MlflowApi>(name: K, params: MlflowApi[K]['params']): Promise<MlflowApi[K]['response']> {
    this.callCount += 1;
    const { http, limiter, authorization, headers, observe } = this.options;
    return limiter(
      () =>
        callRest(
          http,
          'MLflow',
          mlflowEndpoints[name],
          params as Record<string, unknown>,
          { ...(authorization ? { authorization } : {}), ...(headers ? { headers } : {}) },
          observe,
        ) as Promise<MlflowApi[K]['response']>,
    );
  }
}
