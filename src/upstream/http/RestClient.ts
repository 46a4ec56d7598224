import type { Got } from 'got';
import { callRest, type CallObserver } from './callRest.js';
import type { Limiter } from './createLimiter.js';
import type { Endpoint } from './endpoint.js';

/** An API description: endpoint name → wire params and wire response. */
export type ApiShape<Api> = { [K in keyof Api]: { params: object; response: unknown } };

/** What a RestClient needs: the shared pool and limiter, and the caller's credentials. */
export interface RestClientOptions {
  http: Got;
  /** Bounds concurrent calls to this upstream across all requests of the process. */
  limiter: Limiter;
  /** The caller's `Authorization` header, forwarded verbatim. Never logged. */
  authorization?: string;
  /** Extra headers (x-request-id). */
  headers?: Record<string, string>;
  observe?: CallObserver;
  /** Shared per-request counter of upstream calls (all clients of one request add to it). */
  counter?: { calls: number };
}

/**
 * Typed access to one REST API described by an endpoint table, for one request (one caller). The got
 * instance and limiter underneath are process-wide; credentials live only in this per-request object.
 */
export class RestClient<Api extends ApiShape<Api>> {
  constructor(
    readonly upstream: string,
    private readonly table: { readonly [K in keyof Api]: Endpoint },
    private readonly options: RestClientOptions,
  ) {}

  /** Calls `name` with wire params; resolves to the wire response or throws an UpstreamError. */
  call<K extends keyof Api & string>(name: K, params: Api[K]['params']): Promise<Api[K]['response']> {
    const { http, limiter, authorization, headers, observe, counter } = this.options;
    if (counter) counter.calls += 1;
    return limiter(
      () =>
        callRest(
          http,
          this.upstream,
          this.table[name],
          params as Record<string, unknown>,
          { ...(authorization ? { authorization } : {}), ...(headers ? { headers } : {}) },
          observe,
        ) as Promise<Api[K]['response']>,
    );
  }
}
