import type { MlflowAuthClient } from '../upstream/mlflow-auth/MlflowAuthClient.js';
import type { MlflowClient } from '../upstream/mlflow/MlflowClient.js';
import type { Principal } from './Principal.js';
import type { Services } from './Services.js';

/**
 * Everything one GraphQL request needs. Built once per request by the gateway (or by a subgraph server in
 * distributed mode) and handed to every subgraph's resolvers; nothing here outlives the request.
 */
export interface RequestContext {
  readonly requestId: string;
  readonly principal: Principal;
  readonly services: Services;
  /** MLflow client carrying this caller's credentials. */
  readonly mlflow: MlflowClient;
  /** MLflow basic-auth API client carrying this caller's credentials. */
  readonly mlflowAuth: MlflowAuthClient;
  /** Upstream calls and bytes received for this request, all clients together, and their budgets (GRAPHQL_MAX_UPSTREAM_*). */
  readonly upstreamCalls: { calls: number; max?: number; bytes?: number; maxBytes?: number };
  /** Per-request state owned by each subgraph (its DataLoaders), keyed by a symbol the subgraph owns. */
  readonly memo: Map<symbol, unknown>;
}

/** Returns the per-request value stored under `key`, creating it once with `create`. */
export function perRequest<T>(context: RequestContext, key: symbol, create: () => T): T {
  let value = context.memo.get(key) as T | undefined;
  if (value === undefined) {
    value = create();
    context.memo.set(key, value);
  }
  return value;
}
