import type { KeyValueCache, KeyValueEntry, SetIfAbsentResult } from '../src/cache/KeyValueCache.js';

/** Appended to every key read while reads are discarded: a key nothing writes, so Redis answers a miss. */
const NEVER_WRITTEN = '\u0000cold';

/**
 * The "batched, cold" variant's shared cache: the real Redis cache, every read still sent (and paid for: the
 * same commands, keys and round trips) but for a key nothing writes, so Redis answers each as an empty cache
 * would, and each request misses as if it were the first; writes go through as usual. A cold request under load
 * is otherwise impossible to repeat (the first request warms the cache for the next). Reading the real key and
 * dropping its value would charge a cold request for receiving and decoding hits (a dashboard's ~780 KB) that a
 * first request never gets. With `discardReads` off it is the plain cache underneath (the benchmark's check that
 * both agree).
 */
export class ColdCache implements KeyValueCache {
  /** Drop every answer read from the cache underneath. */
  discardReads = true;

  constructor(private readonly inner: KeyValueCache) {}

  get kind() {
    return this.inner.kind;
  }

  get stats() {
    return this.inner.stats;
  }

  async get(key: string): Promise<string | undefined> {
    if (!this.discardReads) return this.inner.get(key);
    await this.inner.get(key + NEVER_WRITTEN);
    return undefined;
  }

  async getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    if (!this.discardReads) return this.inner.getMany(keys);
    await this.inner.getMany(keys.map((key) => key + NEVER_WRITTEN));
    return keys.map(() => undefined);
  }

  set(key: string, value: string, ttlSeconds: number): Promise<void> {
    return this.inner.set(key, value, ttlSeconds);
  }

  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<SetIfAbsentResult> {
    return this.inner.setIfAbsent(key, value, ttlSeconds);
  }

  setMany(entries: readonly KeyValueEntry[]): Promise<void> {
    return this.inner.setMany(entries);
  }

  delete(keys: readonly string[]): Promise<void> {
    return this.inner.delete(keys);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  isHealthy(): boolean {
    return this.inner.isHealthy();
  }

  whenReady(timeoutMs: number): Promise<boolean> {
    return this.inner.whenReady?.(timeoutMs) ?? Promise.resolve(true);
  }
}
