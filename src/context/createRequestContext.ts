import { createAuthorizer, type Authorizer } from '../auth/authorizer.js';
import { callerIdentity } from '../auth/callerIdentity.js';
import { principalFromHeaders } from '../auth/principalFromHeaders.js';
import { scopeTelemetry, type ScopedTelemetry } from '../observability/Telemetry.js';
import { acceptRequestId } from '../observability/requestId.js';
import { upstreamHooks } from '../observability/upstreamHooks.js';
import type { RestClientOptions } from '../upstream/http/RestClient.js';
import { RequestLoaders } from './defineLoaders.js';
import { RequestPrefetch } from './prefetch.js';
import { lazy } from './lazy.js';
import type { Principal } from '../auth/Principal.js';
import { AnswerLifetime, inCachedFetch } from '../cache/AnswerLifetime.js';
import { requestCache, type RequestCache } from '../cache/requestCache.js';
import { RequestClients } from './RequestClients.js';
import type { RequestContext, UpstreamCalls } from './RequestContext.js';
import type { Services } from './Services.js';

/** Headers as node:http gives them. */
export type IncomingHeaders = Record<string, string | string[] | undefined>;

/**
 * The context as a class so that its lazy members are getters on the prototype, built through thunks held in
 * own fields: Apollo runs each operation on a shallow clone (`Object.assign(Object.create(prototype), context)`),
 * which keeps the prototype's getters and shares the thunks, so every clone sees the same cache and authorizer.
 */
class LazyRequestContext implements RequestContext {
  readonly loaders: RequestLoaders<RequestContext>;
  readonly prefetch: RequestPrefetch<RequestContext>;
  private readonly buildCache: () => RequestCache;
  private readonly buildAuthorizer: () => Authorizer;

  constructor(
    readonly requestId: string,
    readonly principal: Principal,
    readonly services: Services,
    readonly clients: RequestClients,
    readonly telemetry: ScopedTelemetry,
    readonly upstreamCalls: UpstreamCalls,
    lifetime: AnswerLifetime,
  ) {
    this.loaders = new RequestLoaders<RequestContext>(this);
    this.prefetch = new RequestPrefetch<RequestContext>(this);
    this.buildCache = lazy(() =>
      requestCache({
        cache: services.cache,
        singleFlight: services.singleFlight,
        keys: services.keys,
        identity: callerIdentity(principal),
        cacheSharing: () => services.cacheSharing(),
        lifetime,
      }),
    );
    this.buildAuthorizer = lazy(() =>
      createAuthorizer({
        permissions: services.permissions,
        request: { principal, clients, cache: this.cache },
        config: services.config,
      }),
    );
  }

  get cache(): RequestCache {
    return this.buildCache();
  }

  get authorizer(): Authorizer {
    return this.buildAuthorizer();
  }
}

/** Builds the per-request context: the caller, their upstream clients, and lazily the rest. */
export function createRequestContext(
  services: Services,
  headers: IncomingHeaders,
  principal?: Principal,
): RequestContext {
  const requestId = acceptRequestId(headers['x-request-id']);
  const caller = principal ?? principalFromHeaders(headers, services.config);
  // The hard per-request budget: the call past it is not sent (the gateway refuses most such queries earlier).
  const upstreamCalls: UpstreamCalls = {
    calls: 0,
    max: services.config.limits.maxUpstreamCalls,
    bytes: 0,
    maxBytes: services.config.limits.maxUpstreamBytes,
  };
  const lifetime = new AnswerLifetime();
  const hooks = upstreamHooks(services.telemetry, requestId);
  // The one set of options every client of this request is built from (MLflow's host, pool and limiter).
  const clientOptions: RestClientOptions = {
    http: services.mlflowHttp,
    limiter: services.mlflowLimiter,
    ...(caller.authorization ? { authorization: caller.authorization } : {}),
    headers: { 'x-request-id': requestId },
    counter: upstreamCalls,
    breaker: services.mlflowBreaker,
    // The request's time budget starts now: calls after it fail fast with UPSTREAM_TIMEOUT.
    deadline: Date.now() + services.config.requestTimeoutMs,
    observe: hooks.observe,
    around(route, run) {
      // A call outside a cached fetch feeds no cache entry, so nothing bounds how long its data stays true:
      // the answer it went into is not kept whole (the response cache).
      if (!inCachedFetch()) lifetime.refuse(`${route} is read uncached`);
      return hooks.around(route, run);
    },
  };
  const clients = new RequestClients(clientOptions, {
    profile: services.profile,
    features: services.learned,
    gitlabHttp: services.gitlabHttp,
    downloads: { http: services.downloadHttp, trackingUri: services.trackingUri },
  });
  return new LazyRequestContext(
    requestId,
    caller,
    services,
    clients,
    scopeTelemetry(services.telemetry, requestId),
    upstreamCalls,
    lifetime,
  );
}
