import type { Authorizer } from '../auth/authorizer.js';
import type { ScopedTelemetry } from '../observability/Telemetry.js';
import type { RequestLoaders } from './defineLoaders.js';
import type { RequestPrefetch } from './prefetch.js';
import type { Principal } from '../auth/Principal.js';
import type { RequestCache } from '../cache/requestCache.js';
import type { RequestClients } from './RequestClients.js';
import type { Services } from './Services.js';

/** Upstream calls and bytes received for one request, all clients together, and their budgets. */
export interface UpstreamCalls {
  calls: number;
  max?: number;
  bytes?: number;
  maxBytes?: number;
}

/**
 * Everything one GraphQL request needs, as named members. Built once per request by the gateway (or by a subgraph
 * server in distributed mode, see createRequestContext) and handed to every subgraph's resolvers; nothing here
 * outlives the request. Members a request may never touch (clients, the cache helper, the authorizer, a subgraph's
 * loaders) are built on first use. Pass helpers the members they use, not the context.
 */
export interface RequestContext {
  readonly requestId: string;
  readonly principal: Principal;
  /**
   * The process-wide services (configuration, backend profile, shared cache, permission backend, keys): read
   * the member you need here, and pass that member on.
   */
  readonly services: Services;
  /** This caller's upstream clients (MLflow, MLflow's auth API, Databricks, GitLab), each built on first use. */
  readonly clients: RequestClients;
  /** The shared cache as this caller may use it (per-caller scopes, search generations, single flight). */
  readonly cache: RequestCache;
  /** This request's authorization decisions (batched and memoized for the request). */
  readonly authorizer: Authorizer;
  /** Each subgraph's DataLoaders for this request, by the token the subgraph defines (see defineLoaders). */
  readonly loaders: RequestLoaders<RequestContext>;
  /** Logger, metrics and the request id spans carry: what observability helpers take. */
  readonly telemetry: ScopedTelemetry;
  /** Upstream calls and bytes so far, and their budgets (GRAPHQL_MAX_UPSTREAM_*). */
  readonly upstreamCalls: UpstreamCalls;
  /**
   * Follow-up fetches one in-process subgraph may start for another as soon as it has found their objects (see
   * prefetch.ts); armed by the gateway per operation, idle otherwise.
   */
  readonly prefetch: RequestPrefetch<RequestContext>;
}
