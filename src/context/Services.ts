import type { Got } from 'got';
import type { PermissionBackend } from '../auth/PermissionBackend.js';
import type { ServerKeys } from '../auth/serverKeys.js';
import type { CacheSharing } from '../auth/cacheSharing.js';
import type { EntityCache } from '../cache/EntityCache.js';
import type { SingleFlight } from '../cache/singleFlight.js';
import type { Config } from '../config.js';
import type { Telemetry } from '../observability/Telemetry.js';
import type { BackendProfile } from '../upstream/profiles/BackendProfile.js';
import type { LearnedCapabilities } from '../upstream/profiles/LearnedCapabilities.js';
import type { BackendDetector } from '../upstream/profiles/detectBackend.js';
import type { CircuitBreaker } from '../upstream/http/CircuitBreaker.js';
import type { Limiter } from '../upstream/http/createLimiter.js';

/** Process-wide, stateless-per-user services shared by all requests (connection pools, limiter, cache). */
export interface Services {
  readonly config: Config;
  /** The backend's profile: what it serves, its search grammar and batch limits. */
  readonly profile: BackendProfile;
  /** What the backend reports about itself (version, server features), probed once and logged. */
  readonly detector: BackendDetector;
  readonly mlflowHttp: Got;
  /** The tracking URI (MLflow's base URL), which artifact downloads are fetched from. */
  readonly trackingUri: string;
  /** The artifact downloads' own connection pool (long streams never hold the API calls' sockets). */
  readonly downloadHttp: Got;
  /** GitLab's API root (its permission service), when the backend is GitLab. */
  readonly gitlabHttp: Got | undefined;
  readonly mlflowLimiter: Limiter;
  /** Fails MLflow calls fast while MLflow is down; probes its return (half-open). */
  readonly mlflowBreaker: CircuitBreaker;
  /** Logger and Prometheus metrics of this process. */
  readonly telemetry: Telemetry;
  /** The permission service that decides object-level access. */
  readonly permissions: PermissionBackend;
  /** The shared cache of upstream payloads (Redis, or in-memory). */
  readonly cache: EntityCache;
  /** Upstream fetches in flight in this process, shared by concurrent requests (keys name the caller where it matters). */
  readonly singleFlight: SingleFlight<unknown>;
  /** What the backend turned out to support, learned from its answers (e.g. no bulk-interval on Databricks). */
  readonly learned: LearnedCapabilities;
  /**
   * Whether cached entries may be shared between callers, decided once the permission service is known (it may
   * take a probe; a failed probe is retried, and requests fail closed meanwhile).
   */
  cacheSharing(): Promise<CacheSharing>;
  /** Keys derived from MLFLOW_SUPERGRAPH_SECRET (cursors, per-caller cache scopes). */
  readonly keys: ServerKeys;
  /** Releases connections (Redis). */
  close(): Promise<void>;
}
