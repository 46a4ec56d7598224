// The cache layer's public surface; internals (key slots, URL parsing, TTL conversion) stay importable by path.
export type { KeyValueCache, KeyValueEntry } from './KeyValueCache.js';
export type { CacheLogger } from './CacheLogger.js';
export { type CacheStats, createCacheStats, readCacheStats } from './cacheStats.js';
export { MemoryCache, type MemoryCacheOptions, defaultMemoryCacheOptions } from './MemoryCache.js';
export { RedisCache, type RedisCacheOptions, defaultRedisCacheOptions } from './RedisCache.js';
export { createCache, type CreateCacheOptions } from './createCache.js';
export { CACHE_FORMAT_VERSION, cacheKey, principalScope, type CacheKeyParts } from './cacheKey.js';
export {
  EntityCache,
  defaultTtls,
  type CacheTtls,
  type EntityCacheEntry,
  type EntityCacheOptions,
} from './EntityCache.js';
export { createSingleFlight, type SingleFlight } from './singleFlight.js';
