import type { EntityCache } from '../../cache/EntityCache.js';
import type { Config } from '../../config.js';
import { CircuitBreaker } from '../../upstream/http/CircuitBreaker.js';
import { createLimiter } from '../../upstream/http/createLimiter.js';
import { createPermissionServiceTransport } from '../../upstream/permission-service/PermissionServiceClient.js';
import type { PermissionBackend, PermissionSession } from '../PermissionBackend.js';
import type { PermissionRequest } from '../PermissionRequest.js';
import type { ServerKeys } from '../serverKeys.js';
import { HttpPermissionSession, type PermissionService } from './http/HttpPermissionSession.js';

/**
 * Your own permission service (MLFLOW_SUPERGRAPH_PERMISSIONS=http), asked over HTTP for every object the
 * graph serves or changes. The contract (README, "Custom permission service"):
 *
 * - `POST <MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_URL>` with `{"principal": {"id", "username", "email", "groups"?},
 *   "action": "read"|"write"|"manage", "objectType": "experiment"|"registered_model", "objectId": "<experiment id
 *   or model name>"}` answers `{"allowed": bool, "level"?: "<PermissionLevel name>"}`; with
 *   MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_BATCH=true one POST carries `{"checks": [...]}` (at most `batchMax`) and
 *   the answer is `{"results": [...]}` in the same order, so a page of 50 objects costs one call.
 * - The action is what the field needs: CAN_READ → read, CAN_USE/CAN_EDIT → write, higher → manage. A `level`
 *   is the caller's level on the object and answers every later check on it; `allowed` alone implies the
 *   highest level of its action (read → CAN_READ, write → CAN_EDIT, manage → CAN_MANAGE) and no more.
 * - `Viewer.isAdmin` asks `{"principal", "action": "admin"}` (no object); the answer never grants object access.
 * - Bearer MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_TOKEN, when set (never the caller's or MLflow's credentials).
 *
 * It fails closed: no answer, a timeout, a non-2xx or a malformed answer denies the object with
 * UPSTREAM_UNAVAILABLE / UPSTREAM_TIMEOUT. Answers are cached per principal (identity, e-mail and groups) for
 * the permission TTL, never across principals; failures are not cached. Only callers the trusted proxy named
 * are decided; the service owns its rules, so ACLs and grants are UNSUPPORTED_BY_BACKEND.
 */
export class HttpPermissionBackend implements PermissionBackend {
  readonly kind = 'http' as const;
  readonly #service: PermissionService;

  constructor(
    config: Pick<Config, 'permissionService' | 'upstream' | 'circuitBreaker'>,
    /** Where answers are kept (per principal), and the key their scopes are made with. */
    shared: { cache: EntityCache; keys: Pick<ServerKeys, 'cacheScope'> },
  ) {
    if (!config.permissionService)
      throw new TypeError(
        'HttpPermissionBackend: expected config.permissionService (MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_URL), got none',
      );
    const settings = config.permissionService;
    this.#service = {
      settings,
      transport: createPermissionServiceTransport({
        url: settings.url,
        connectTimeoutMs: config.upstream.connectTimeoutMs,
        timeoutMs: settings.timeoutMs,
        maxSockets: config.upstream.concurrency,
      }),
      // Process-wide, like MLflow's: bounded sockets, and fail fast while the service is down.
      limiter: createLimiter(config.upstream.concurrency),
      breaker: new CircuitBreaker(config.circuitBreaker),
      cache: shared.cache,
      keys: shared.keys,
    };
  }

  async resolve(): Promise<PermissionBackend> {
    return this;
  }

  session(request: PermissionRequest): PermissionSession {
    return new HttpPermissionSession(this.#service, request);
  }
}
