import type { KeyValueCache, KeyValueEntry, SetIfAbsentResult } from '../src/cache/KeyValueCache.js';

/**
 * The "batched, cold" variant's shared cache: the real Redis cache, every read still sent (and paid for),
 * every answer dropped, so each request misses as if it were the first; writes go through as usual. A cold
 * request under load is otherwise impossible to repeat (the first request warms the cache for the next).
 * With `discardReads` off it is the plain cache underneath (the benchmark's check that both agree).
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
    const value = await this.inner.get(key);
    return this.discardReads ? undefined : value;
  }

  async getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    const values = await this.inner.getMany(keys);
    return this.discardReads ? keys.map(() => undefined) : values;
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
