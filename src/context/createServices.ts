import { DatabricksPermissionBackend } from '../auth/backends/DatabricksPermissionBackend.js';
import { createPermissionBackend } from '../auth/backends/detectPermissionBackend.js';
import { createCache } from '../cache/createCache.js';
import { EntityCache } from '../cache/EntityCache.js';
import { NoopCache } from '../cache/NoopCache.js';
import type { KeyValueCache } from '../cache/KeyValueCache.js';
import type { Config } from '../config.js';
import { instrumentLimiter } from '../observability/instrumentLimiter.js';
import { createTelemetry, type Telemetry } from '../observability/Telemetry.js';
import { CircuitBreaker } from '../upstream/http/CircuitBreaker.js';
import { createHttpInstance } from '../upstream/http/createHttpInstance.js';
import { createLimiter } from '../upstream/http/createLimiter.js';
import { backendProfile } from '../upstream/profiles/BackendProfile.js';
import { BackendDetector } from '../upstream/profiles/detectBackend.js';
import { GitLabPermissionBackend } from '../auth/backends/GitLabPermissionBackend.js';
import { deriveServerKeys } from '../auth/serverKeys.js';
import type { Services } from './Services.js';

/** Creates the process-wide services for an upstream at `trackingUri`. */
export function createServices(config: Config, trackingUri: string, options: { cache?: KeyValueCache; telemetry?: Telemetry } = {}): Services {
  const telemetry = options.telemetry ?? createTelemetry(config);
  // The benchmark's naive variant (MLFLOW_SUPERGRAPH_NAIVE_RESOLVERS) shares nothing between requests.
  const kv = config.naiveResolvers ? new NoopCache() : options.cache ?? createCache({
    ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}),
    ...(config.cacheKeyPrefix ? { keyPrefix: config.cacheKeyPrefix } : {}),
    commandTimeoutMs: config.redisCommandTimeoutMs,
    logger: { warn: (message) => telemetry.logger.warn({ component: 'cache' }, message), info: (message) => telemetry.logger.info({ component: 'cache' }, message) },
  });
  const mlflowHttp = createHttpInstance({
    baseUrl: trackingUri,
    connectTimeoutMs: config.upstream.connectTimeoutMs,
    responseTimeoutMs: config.upstream.responseTimeoutMs,
    maxSockets: config.upstream.concurrency,
  });
  const limiter = instrumentLimiter(createLimiter(config.upstream.concurrency));
  const mlflowBreaker = new CircuitBreaker({
    ...config.circuitBreaker,
    onStateChange: (from, to) => {
      const message = `MLflow circuit ${from} → ${to}`;
      if (to === 'open') telemetry.logger.warn({ component: 'upstream', upstream: 'MLflow', circuit: to }, `${message}: failing fast for ${config.circuitBreaker.cooldownMs} ms`);
      else telemetry.logger.info({ component: 'upstream', upstream: 'MLflow', circuit: to }, message);
    },
  });
  telemetry.metrics.watchCache(kv);
  telemetry.metrics.watchBreaker('MLflow', mlflowBreaker);
  telemetry.metrics.watchLimiter('MLflow', limiter.stats);
  const profile = backendProfile(config.backend);
  const detector = new BackendDetector(mlflowHttp, profile, trackingUri, (detection) =>
    telemetry.logger.info(
      { component: 'backend', backend: profile.kind, version: detection.version ?? null, serverInfo: detection.serverInfo ?? null, basicAuth: detection.basicAuth ?? null, probes: detection.probes },
      `backend: ${profile.displayName} ${detection.version ?? '(version unknown)'}${detection.basicAuth ? ', behind basic-auth' : ''} — ${detection.probes.join('; ')}`,
    ),
  );
  return {
    config,
    profile,
    detector,
    mlflowHttp,
    mlflowLimiter: limiter.limiter,
    mlflowBreaker,
    telemetry,
    permissions: createPermissionBackend(config, mlflowHttp, {
      databricks: () => new DatabricksPermissionBackend(),
      gitlab: () => GitLabPermissionBackend.forTrackingUri(config, trackingUri),
    }),
    cache: new EntityCache(kv, { ttls: config.cacheTtls }),
    inFlight: new Map(),
    keys: deriveServerKeys(config.serverSecret),
    capabilities: { bulkInterval: profile.capabilities.endpoints.has('getMetricHistoryBulkInterval') },
    close: () => kv.close(),
  };
}
