import { DatabricksPermissionBackend } from '../auth/backends/DatabricksPermissionBackend.js';
import { createPermissionBackend } from '../auth/backends/detectPermissionBackend.js';
import { createCache } from '../cache/createCache.js';
import { EntityCache } from '../cache/EntityCache.js';
import { NoopCache } from '../cache/NoopCache.js';
import { createSingleFlight } from '../cache/singleFlight.js';
import type { KeyValueCache } from '../cache/KeyValueCache.js';
import type { Config } from '../config.js';
import { instrumentLimiter } from '../observability/instrumentLimiter.js';
import { createTelemetry, type Telemetry } from '../observability/Telemetry.js';
import { CircuitBreaker } from '../upstream/http/CircuitBreaker.js';
import { createHttpInstance } from '../upstream/http/createHttpInstance.js';
import { createDownloadHttp } from '../upstream/artifacts/createDownloadHttp.js';
import { createLimiter } from '../upstream/http/createLimiter.js';
import { backendProfile } from '../upstream/profiles/BackendProfile.js';
import { BackendDetector } from '../upstream/profiles/detectBackend.js';
import { GitLabPermissionBackend, gitlabApiRoot } from '../auth/backends/GitLabPermissionBackend.js';
import { HttpPermissionBackend } from '../auth/backends/HttpPermissionBackend.js';
import { LearnedCapabilities } from '../upstream/profiles/LearnedCapabilities.js';
import { deriveServerKeys } from '../auth/serverKeys.js';
import { decideCacheSharing, type CacheSharing } from '../auth/cacheSharing.js';
import type { Services } from './Services.js';

/** Creates the process-wide services for an upstream at `trackingUri`. */
export function createServices(
  config: Config,
  trackingUri: string,
  options: { cache?: KeyValueCache; telemetry?: Telemetry } = {},
): Services {
  const telemetry = options.telemetry ?? createTelemetry(config);
  // The benchmark's naive variant (MLFLOW_SUPERGRAPH_NAIVE_RESOLVERS) shares nothing between requests.
  const kv = config.naiveResolvers
    ? new NoopCache()
    : (options.cache ??
      createCache({
        ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}),
        ...(config.cacheKeyPrefix ? { keyPrefix: config.cacheKeyPrefix } : {}),
        commandTimeoutMs: config.redisCommandTimeoutMs,
        logger: {
          warn: (message) => telemetry.logger.warn({ component: 'cache' }, message),
          info: (message) => telemetry.logger.info({ component: 'cache' }, message),
        },
      }));
  const mlflowHttp = createHttpInstance({
    baseUrl: trackingUri,
    connectTimeoutMs: config.upstream.connectTimeoutMs,
    responseTimeoutMs: config.upstream.responseTimeoutMs,
    maxSockets: config.upstream.concurrency,
  });
  const downloadHttp = createDownloadHttp({
    maxSockets: config.artifacts.maxDownloads,
    connectTimeoutMs: config.upstream.connectTimeoutMs,
    idleTimeoutMs: config.upstream.responseTimeoutMs,
  });
  const limiter = instrumentLimiter(createLimiter(config.upstream.concurrency));
  const mlflowBreaker = new CircuitBreaker({
    ...config.circuitBreaker,
    onStateChange: (from, to) => {
      const message = `MLflow circuit ${from} → ${to}`;
      if (to === 'open')
        telemetry.logger.warn(
          { component: 'upstream', upstream: 'MLflow', circuit: to },
          `${message}: failing fast for ${config.circuitBreaker.cooldownMs} ms`,
        );
      else telemetry.logger.info({ component: 'upstream', upstream: 'MLflow', circuit: to }, message);
    },
  });
  telemetry.metrics.watchCache(kv);
  telemetry.metrics.watchBreaker('MLflow', mlflowBreaker);
  telemetry.metrics.watchLimiter('MLflow', limiter.stats);
  const profile = backendProfile(config.backend, { serveArtifacts: config.serveArtifacts });
  const detector: BackendDetector = new BackendDetector(mlflowHttp, profile, trackingUri, (detection) => {
    learned.detected(detection);
    telemetry.logger.info(
      {
        component: 'backend',
        backend: profile.kind,
        version: detection.version ?? null,
        serverInfo: detection.serverInfo ?? null,
        basicAuth: detection.basicAuth ?? null,
        probes: detection.probes,
      },
      `backend: ${profile.displayName} ${detection.version ?? '(version unknown)'}${detection.basicAuth ? ', behind basic-auth' : ''} — ${detection.probes.join('; ')}`,
    );
  });
  // The detector owns the probes; what they tell (the version) decides MLflow 3 features here.
  const learned = new LearnedCapabilities(
    profile,
    (fields, message) => telemetry.logger.info(fields, message),
    (authorization) => detector.detect(authorization),
  );
  const keys = deriveServerKeys(config.serverSecret);
  const cache = new EntityCache(kv, { ttls: config.cacheTtls });
  // GitLab's own API, where GitLab's project roles are the permission service: its root is in the tracking URI.
  let gitlab: ReturnType<typeof gitlabApiRoot> | undefined;
  const permissions = createPermissionBackend(config, mlflowHttp, {
    databricks: () => new DatabricksPermissionBackend(),
    gitlab: () => new GitLabPermissionBackend((gitlab = gitlabApiRoot(config, trackingUri)).location),
    http: () => new HttpPermissionBackend(config, { cache, keys }),
  });
  if (keys.generated && config.redisUrl) {
    telemetry.logger.warn(
      { component: 'cache' },
      'MLFLOW_SUPERGRAPH_SECRET is not set: this process made its own key, so its per-caller cache entries and cursors are not shared with other replicas (set the same secret on every replica)',
    );
  }
  let sharing: Promise<CacheSharing> | undefined;
  const cacheSharing = (): Promise<CacheSharing> =>
    (sharing ??= permissions.resolve().then(
      (backend) => {
        const decided = decideCacheSharing(config, profile, backend);
        telemetry.logger.info(
          { component: 'cache', cacheSharing: decided.mode, reason: decided.reason },
          `cache sharing: ${decided.mode} — ${decided.reason}`,
        );
        return decided;
      },
      (error: unknown) => {
        sharing = undefined; // the permission probe failed: decide again on the next request
        throw error;
      },
    ));
  return {
    config,
    profile,
    detector,
    mlflowHttp,
    trackingUri,
    downloadHttp,
    gitlabHttp: gitlab?.http,
    mlflowLimiter: limiter.limiter,
    mlflowBreaker,
    telemetry,
    permissions,
    cacheSharing,
    cache,
    singleFlight: createSingleFlight(),
    keys,
    learned,
    close: () => kv.close(),
  };
}
