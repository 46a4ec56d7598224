import type { CacheStats } from './cacheStats.js';

/** One entry for `KeyValueCache.setMany`. */
export interface KeyValueEntry {
  key: string;
  value: string;
  /** Lifetime in seconds (fractions allowed); a non-positive or non-finite TTL means "do not store". */
  ttlSeconds: number;
}

/** The answer of `KeyValueCache.setIfAbsent`. */
export type SetIfAbsentResult = 'stored' | 'exists' | 'unavailable';

/**
 * The shared cache contract: strings in, strings out, and no operation ever rejects. A backend failure is
 * counted in `stats.errors` and becomes a miss (reads) or a no-op (writes), because the cache only saves upstream
 * calls and must never be the reason a request fails.
 */
export interface KeyValueCache {
  /** The stored value, or undefined on a miss or an error. */
  get(key: string): Promise<string | undefined>;
  /** Values in key order (a single MGET on Redis, one per hash slot on Cluster). */
  getMany(keys: readonly string[]): Promise<(string | undefined)[]>;
  /** Stores a value for `ttlSeconds`; a non-positive TTL stores nothing. */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /**
   * Stores a value only if the key holds none (Redis `SET key value NX PX ttl`, atomic across every process sharing
   * the backend): `'stored'` when this call stored it, `'exists'` when the key was already there, `'unavailable'`
   * when the backend could not answer (down, timed out, skipped). Unlike a read, the third answer is not a miss:
   * callers that use it as a lock or a one-time claim (replay protection) must refuse on `'unavailable'`.
   */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<SetIfAbsentResult>;
  /** Stores several values in one round trip (pipelined on Redis). */
  setMany(entries: readonly KeyValueEntry[]): Promise<void>;
  /** Removes keys, so every process sharing the backend misses them next time. */
  delete(keys: readonly string[]): Promise<void>;
  /** Releases connections; later operations are misses and no-ops. */
  close(): Promise<void>;
  /** Which backend this is, for logs and metrics labels. */
  readonly kind: 'redis' | 'memory';
  /** Live counters (see `readCacheStats` for a snapshot). */
  readonly stats: CacheStats;
  /** False while the backend is unreachable (the cache then serves misses). */
  isHealthy(): boolean;
  /** Resolves true once the backend can serve (at once for memory), false after `timeoutMs`. Optional. */
  whenReady?(timeoutMs: number): Promise<boolean>;
}
