import type { AnswerLifetime } from '../cache/AnswerLifetime.js';
import type { CacheNamespace, CacheTtls } from '../cache/cachePolicy.js';
import type { Principal } from './Principal.js';
import type { DatabricksPermissionsClient } from '../upstream/databricks/permissionsApi.js';
import type { GitLabClient } from '../upstream/gitlab/GitLabClient.js';
import type { RestClientOptions } from '../upstream/http/RestClient.js';
import type { MlflowAuthClient } from '../upstream/mlflow-auth/MlflowAuthClient.js';
import type { MlflowClient } from '../upstream/mlflow/MlflowClient.js';

// What permission backends use of one request, declared here so that auth/ depends on these few types and never
// on the request context (which carries the authorizer, and so depends on auth/).

/**
 * What a client of the graph's own services (the custom permission service) takes from the request: its time
 * budget, call counter, request id and observability hooks. Never the caller's credentials.
 */
export type ServiceCallOptions = Pick<RestClientOptions, 'deadline' | 'counter' | 'observe' | 'around' | 'headers'>;

/** The caller's upstream clients a permission backend may call (each built on first use). */
export interface PermissionClients {
  readonly mlflow: MlflowClient;
  readonly mlflowAuth: MlflowAuthClient;
  readonly databricksPermissions: DatabricksPermissionsClient;
  readonly gitlab: GitLabClient;
  /** See {@link ServiceCallOptions}. */
  readonly ownServiceOptions: ServiceCallOptions;
}

/** The shared cache as a permission backend uses it: entries kept for this caller's credentials only. */
export interface PermissionCache {
  /** A value cached for this caller's credentials (e.g. their permission profile). */
  forCaller<T>(namespace: CacheNamespace, id: string, fetch: () => Promise<T>, ttlSeconds: number): Promise<T>;
  /** Drops what {@link forCaller} keeps for this caller (their own grants changed). */
  forgetForCaller(namespace: CacheNamespace, ids: readonly string[]): Promise<void>;
  /**
   * Lifetimes, read through the row (`ttlSeconds(cachePolicy.permission, ttls)`); a permission answer is kept
   * briefly (a revoked grant must stop working within seconds).
   */
  readonly ttls: Readonly<CacheTtls>;
  /** How long the request's whole answer may be kept: a permission decision bounds it (see the authorizer). */
  readonly lifetime: AnswerLifetime;
}

/** One request as a permission backend's session sees it: who calls, their clients, their cache. */
export interface PermissionRequest {
  readonly principal: Principal;
  readonly clients: PermissionClients;
  readonly cache: PermissionCache;
}
