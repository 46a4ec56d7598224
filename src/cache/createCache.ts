import type { CacheLogger } from './CacheLogger.js';
import type { KeyValueCache } from './KeyValueCache.js';
import { MemoryCache } from './MemoryCache.js';
import { RedisCache } from './RedisCache.js';

/** Options for `createCache`, normally filled from config (`REDIS_URL` and friends). */
export interface CreateCacheOptions {
  /** Redis URL (`redis://`, `rediss://`, `redis+cluster://…`); absent or empty selects the in-memory cache. */
  redisUrl?: string;
  /** Treat a plain `redis://` URL as a Cluster seed node. */
  redisCluster?: boolean;
  /** Redis key prefix, e.g. `"staging:"`. */
  keyPrefix?: string;
  /** Upper bound on one Redis command in milliseconds. */
  commandTimeoutMs?: number;
  /** Entry bound of the in-memory cache. */
  memoryMaxEntries?: number;
  /** Byte bound of the in-memory cache. */
  memoryMaxSizeBytes?: number;
  /** Where Redis outages are reported. */
  logger?: CacheLogger;
}

/**
 * The shared cache for this process: Redis when a URL is configured (shared by every instance, so
 * invalidations reach them all), otherwise a bounded in-memory LRU (the single-process default).
 */
export function createCache(options: CreateCacheOptions = {}): KeyValueCache {
  if (options.redisUrl) {
    return new RedisCache({
      url: options.redisUrl,
      ...(options.redisCluster !== undefined ? { cluster: options.redisCluster } : {}),
      ...(options.keyPrefix !== undefined ? { keyPrefix: options.keyPrefix } : {}),
      ...(options.commandTimeoutMs !== undefined ? { commandTimeoutMs: options.commandTimeoutMs } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
  }
  return new MemoryCache({
    ...(options.memoryMaxEntries !== undefined ? { maxEntries: options.memoryMaxEntries } : {}),
    ...(options.memoryMaxSizeBytes !== undefined ? { maxSizeBytes: options.memoryMaxSizeBytes } : {}),
  });
}
