import { LRUCache } from 'lru-cache';
import { createCacheStats, type CacheStats } from './cacheStats.js';
import type { KeyValueCache, KeyValueEntry, SetIfAbsentResult } from './KeyValueCache.js';
import { ttlToMilliseconds } from './ttlToMilliseconds.js';

/** Options for `MemoryCache`; both bounds apply, whichever is reached first evicts the least recently used. */
export interface MemoryCacheOptions {
  /** Maximum number of entries (default 10 000). */
  maxEntries?: number;
  /** Maximum approximate footprint in bytes, counting keys and values as UTF-16 (default 64 MiB). */
  maxSizeBytes?: number;
  /** Clock in milliseconds, injectable so tests can expire entries without sleeping. */
  now?: () => number;
}

/** Defaults for `MemoryCache`: large enough for a demo, small enough to never threaten a pod's memory limit. */
export const defaultMemoryCacheOptions = { maxEntries: 10_000, maxSizeBytes: 64 * 1024 * 1024 } as const;

/**
 * The process-local LRU used when no Redis is configured. It is never shared between processes, so invalidation
 * only reaches this process; that is why production runs Redis.
 */
export class MemoryCache implements KeyValueCache {
  readonly kind = 'memory' as const;
  readonly stats: CacheStats = createCacheStats();
  readonly #lru: LRUCache<string, string>;

  constructor(options: MemoryCacheOptions = {}) {
    const maxEntries = options.maxEntries ?? defaultMemoryCacheOptions.maxEntries;
    const maxSizeBytes = options.maxSizeBytes ?? defaultMemoryCacheOptions.maxSizeBytes;
    assertPositiveInteger('maxEntries', maxEntries);
    assertPositiveInteger('maxSizeBytes', maxSizeBytes);
    const now = options.now;
    this.#lru = new LRUCache<string, string>({
      max: maxEntries,
      maxSize: maxSizeBytes,
      // JS strings are UTF-16: two bytes per code unit is the honest approximation of what an entry pins.
      sizeCalculation: (value, key) => Math.max(1, (key.length + value.length) * 2),
      ...(now ? { perf: { now } } : {}),
      // Read the clock on every check: lru-cache's default reuses one reading for a millisecond behind a real timer,
      // which an injected clock cannot move, and a clock read costs less than the bookkeeping it saves.
      ttlResolution: 0,
      // Expired entries are dropped lazily on read; a timer per entry would cost more than the stale bytes.
      ttlAutopurge: false,
    });
  }

  async get(key: string): Promise<string | undefined> {
    const value = this.#lru.get(key);
    if (value === undefined) this.stats.misses += 1;
    else this.stats.hits += 1;
    return value;
  }

  async getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    return keys.map((key) => {
      const value = this.#lru.get(key);
      if (value === undefined) this.stats.misses += 1;
      else this.stats.hits += 1;
      return value;
    });
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.#store(key, value, ttlSeconds);
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<SetIfAbsentResult> {
    if (ttlToMilliseconds(ttlSeconds) === undefined) return 'unavailable';
    // No await between the check and the store: atomic within this process, which is all this cache spans.
    if (this.#lru.has(key)) return 'exists';
    this.#store(key, value, ttlSeconds);
    // An entry larger than the whole budget is refused by the LRU: then nothing was claimed.
    return this.#lru.has(key) ? 'stored' : 'unavailable';
  }

  async setMany(entries: readonly KeyValueEntry[]): Promise<void> {
    for (const { key, value, ttlSeconds } of entries) this.#store(key, value, ttlSeconds);
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.#lru.delete(key);
    this.stats.deletes += keys.length;
  }

  /** Drops every entry (tests measure cold-cache cost with it). */
  clear(): void {
    this.#lru.clear();
  }

  async close(): Promise<void> {
    this.#lru.clear();
  }

  isHealthy(): boolean {
    return true;
  }

  /** Number of live entries (for tests and diagnostics). */
  get size(): number {
    return this.#lru.size;
  }

  #store(key: string, value: string, ttlSeconds: number): void {
    const ttl = ttlToMilliseconds(ttlSeconds);
    if (ttl === undefined) return;
    const status: LRUCache.Status<string, string> = {};
    this.#lru.set(key, value, { ttl, status });
    // lru-cache refuses (and drops any older value for) an entry larger than the whole size budget.
    if (status.set !== 'miss') this.stats.sets += 1;
  }
}

function assertPositiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`MemoryCache: expected ${name} to be a positive integer, got ${String(value)}`);
  }
}
