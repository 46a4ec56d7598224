import type { Got } from 'got';
import { callRest, requestLineRefusal, type CallObserver } from './callRest.js';
import type { CircuitBreaker } from './CircuitBreaker.js';
import type { Limiter } from './createLimiter.js';
import type { Endpoint } from './endpoint.js';
import { chunkByRequestLine, requestPath } from './requestLine.js';
import { UpstreamError } from './UpstreamError.js';

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
  /**
   * Shared per-request counter of upstream calls (all clients of one request add to it); with `max`, the call
   * past it is not sent (a `callBudget` UpstreamError): the backstop behind the gateway's estimate.
   */
  counter?: { calls: number; max?: number; bytes?: number; maxBytes?: number };
  /** The upstream's process-wide circuit breaker: fail fast while it is down. */
  breaker?: CircuitBreaker;
  /** Epoch ms when the request's time budget runs out (see RestCallOptions.deadline). */
  deadline?: number;
  /** Wraps each call, e.g. in a tracing span; must call and return `run()`. */
  around?: <T>(route: string, run: () => Promise<T>) => Promise<T>;
  /** Retries of an idempotent call (callRest's default when absent). */
  retries?: number;
}

/** Statuses that mean "the service is down or overloaded", as opposed to "this request was wrong". */
const OUTAGE_STATUS = new Set([502, 503, 504]);

/**
 * Whether a failed call says the upstream is down (counts toward opening the circuit). The circuit is shared by
 * every caller of the process, so a failure one caller's input can cause never counts: a GET refused for its
 * length or a call past the request's budget was never sent; a 4xx, or MLflow's 500 for a bad filter, is an
 * answer; and a timeout or 504 of a call that carries the caller's `filter` / `order_by` (a search whose cost the
 * caller chose) says as much about that filter as about MLflow. Refused or reset connections, 502/503, and
 * timeouts of calls whose cost no caller chooses still count: a real outage shows on those at once.
 */
export function isOutage(error: unknown, deadline?: number, params?: Record<string, unknown>): boolean | undefined {
  if (!(error instanceof UpstreamError)) return undefined;
  const callerShaped = params !== undefined && (hasValue(params.filter) || hasValue(params.order_by));
  switch (error.failure) {
    case 'network':
      return true;
    case 'timeout':
      // Our own budget running out says nothing about MLflow.
      if (deadline !== undefined && Date.now() >= deadline - 1) return undefined;
      return callerShaped ? undefined : true;
    case 'http':
      if (error.status === 504 && callerShaped) return undefined;
      return OUTAGE_STATUS.has(error.status ?? 0);
    case 'malformed':
      return false;
    case 'refused':
    case 'callBudget':
    case 'unsupported':
      // Never sent: says nothing about the upstream.
      return undefined;
    case 'forbidden':
      // An answer about the caller's rights, not a sign of an outage.
      return false;
  }
}

function hasValue(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : value !== undefined && value !== null && value !== '';
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
    const { limiter, counter, around } = this.options;
    const endpoint = this.table[name];
    if (counter?.max !== undefined && counter.calls >= counter.max)
      return Promise.reject(this.#overBudget(endpoint, counter.max));
    if (counter) counter.calls += 1;
    const run = async () => {
      // While the circuit is open, fail before queueing for a limiter slot: nobody should wait for "no".
      if (this.options.breaker?.state === 'open') {
        const decision = this.options.breaker.request();
        if (!decision.allowed) throw this.#refusal(endpoint, decision.retryInMs);
        this.options.breaker.neutral(decision.probe); // the cooldown ended in between: let #guarded decide
      }
      return limiter(() => this.#guarded(endpoint, params as Record<string, unknown>)) as Promise<Api[K]['response']>;
    };
    return around ? around(endpoint.route, run) : run();
  }

  /**
   * Splits `items` (ids) over as few GETs to `name` as fit the upstream web server's request line, each sent with
   * `paramsFor(chunk)` and holding at most `maxPerChunk` items: callers say what a chunk's call carries, never
   * count bytes (the tracking URI's path prefix counts too). Throws the refusal a call would get (BAD_USER_INPUT)
   * when one item alone does not fit.
   */
  chunksThatFit<K extends keyof Api & string, T>(
    name: K,
    items: readonly T[],
    paramsFor: (chunk: readonly T[]) => Api[K]['params'],
    maxPerChunk?: number,
  ): T[][] {
    const endpoint = this.table[name];
    if (endpoint.method !== 'GET')
      throw new TypeError(
        `chunksThatFit: expected a GET endpoint (only a query is in the request line), got ${endpoint.route}`,
      );
    return chunkByRequestLine(
      requestPath(this.options.http, endpoint),
      items,
      (chunk) => this.sentParams(name, paramsFor(chunk)),
      {
        ...(maxPerChunk === undefined ? {} : { maxPerChunk }),
        tooLong: (length) => requestLineRefusal(this.upstream, endpoint, length),
      },
    );
  }

  /** The params a call to `name` puts on the wire (a subclass translating for its backend says how). */
  protected sentParams<K extends keyof Api & string>(_name: K, params: Api[K]['params']): Api[K]['params'] {
    return params;
  }

  /** One call through the circuit breaker; decided after the limiter slot is taken, so queued calls see a trip. */
  async #guarded(endpoint: Endpoint, params: Record<string, unknown>): Promise<unknown> {
    const { http, authorization, headers, observe, breaker, deadline, retries, counter } = this.options;
    // Bytes received by every call of the request together: past the budget the call in flight is cut off.
    const received =
      counter?.maxBytes === undefined
        ? undefined
        : (bytes: number) => {
            counter.bytes = (counter.bytes ?? 0) + bytes;
            return counter.bytes <= (counter.maxBytes as number)
              ? ({ within: true } as const)
              : ({ within: false, max: counter.maxBytes as number } as const);
          };
    const decision = breaker?.request() ?? { allowed: true as const, probe: false };
    if (!decision.allowed) throw this.#refusal(endpoint, decision.retryInMs);
    try {
      const result = await callRest(
        http,
        this.upstream,
        endpoint,
        params,
        {
          ...(authorization ? { authorization } : {}),
          ...(headers ? { headers } : {}),
          ...(deadline === undefined ? {} : { deadline }),
          ...(retries === undefined ? {} : { retries }),
          ...(received ? { received } : {}),
        },
        observe,
      );
      breaker?.success(decision.probe);
      return result;
    } catch (error) {
      const outage = isOutage(error, deadline, params);
      if (outage === true) breaker?.failure(decision.probe);
      else if (outage === false) breaker?.success(decision.probe);
      else breaker?.neutral(decision.probe);
      throw error;
    }
  }

  /** The error for a call past the request's upstream-call budget: nothing sent. */
  #overBudget(endpoint: Endpoint, max: number): UpstreamError {
    this.options.observe?.({
      upstream: this.upstream,
      route: endpoint.route,
      status: undefined,
      ms: 0,
      failure: 'call_budget',
    });
    return new UpstreamError({
      upstream: this.upstream,
      endpoint: endpoint.route,
      failure: 'callBudget',
      limit: 'upstreamCalls',
      max,
      message: `This request reached its budget of ${max} upstream calls; ${endpoint.route} was not called: ask for fewer objects`,
    });
  }

  /** The error for a call the open circuit refused: UPSTREAM_UNAVAILABLE (a `network` failure), nothing sent. */
  #refusal(endpoint: Endpoint, retryInMs: number): UpstreamError {
    this.options.observe?.({
      upstream: this.upstream,
      route: endpoint.route,
      status: undefined,
      ms: 0,
      failure: 'circuit_open',
    });
    return new UpstreamError({
      upstream: this.upstream,
      endpoint: endpoint.route,
      failure: 'network',
      message: `${this.upstream} is unavailable: it failed repeatedly, so calls are paused for ${Math.max(1, Math.ceil(retryInMs / 1000))} s before it is tried again`,
    });
  }
}
