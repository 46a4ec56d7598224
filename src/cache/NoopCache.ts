import { createCacheStats, type CacheStats } from './cacheStats.js';
import type { KeyValueCache, KeyValueEntry, SetIfAbsentResult } from './KeyValueCache.js';

/**
 * A cache that stores nothing: every read is a miss, every write a no-op. Chosen only by
 * MLFLOW_SUPERGRAPH_NAIVE_RESOLVERS, so the benchmark's naive variant pays for every object it reads.
 */
export class NoopCache implements KeyValueCache {
  readonly kind = 'memory' as const;
  readonly stats: CacheStats = createCacheStats();

  async get(): Promise<string | undefined> {
    this.stats.misses += 1;
    return undefined;
  }

  async getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    this.stats.misses += keys.length;
    return keys.map(() => undefined);
  }

  async set(): Promise<void> {}

  /** Remembers nothing, so it can never promise a key was absent: callers relying on the claim fail closed. */
  async setIfAbsent(): Promise<SetIfAbsentResult> {
    return 'unavailable';
  }

  async setMany(_entries: readonly KeyValueEntry[]): Promise<void> {}

  async delete(): Promise<void> {}

  async close(): Promise<void> {}

  isHealthy(): boolean {
    return true;
  }
}
