import { DatabricksPermissionBackend } from '../auth/backends/DatabricksPermissionBackend.js';
import { createPermissionBackend } from '../auth/backends/detectPermissionBackend.js';
import { createCache } from '../cache/createCache.js';
import { EntityCache } from '../cache/EntityCache.js';
import type { KeyValueCache } from '../cache/KeyValueCache.js';
import type { Config } from '../config.js';
import { createHttpInstance } from '../upstream/http/createHttpInstance.js';
import { createLimiter } from '../upstream/http/createLimiter.js';
import type { Services } from './Services.js';

/** Creates the process-wide services for an upstream at `trackingUri`. */
export function createServices(config: Config, trackingUri: string, options: { cache?: KeyValueCache } = {}): Services {
  const kv = options.cache ?? createCache({ ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}), ...(config.cacheKeyPrefix ? { keyPrefix: config.cacheKeyPrefix } : {}) });
  const mlflowHttp = createHttpInstance({
    baseUrl: trackingUri,
    connectTimeoutMs: config.upstream.connectTimeoutMs,
    responseTimeoutMs: config.upstream.responseTimeoutMs,
    maxSockets: config.upstream.concurrency,
  });
  return {
    config,
    mlflowHttp,
    mlflowLimiter: createLimiter(config.upstream.concurrency),
    permissions: createPermissionBackend(config, mlflowHttp, () => new DatabricksPermissionBackend()),
    cache: new EntityCache(kv, { ttls: config.cacheTtls }),
    inFlight: new Map(),
    close: () => kv.close(),
  };
}
