import type { Cluster, Redis } from 'ioredis';
import type { CacheLogger } from './CacheLogger.js';
import { createCacheStats, type CacheStats } from './cacheStats.js';
import { createRedisClient } from './createRedisClient.js';
import { groupBySlot, type SlotGroup } from './groupBySlot.js';
import type { KeyValueCache, KeyValueEntry, SetIfAbsentResult } from './KeyValueCache.js';
import { parseRedisUrl } from './parseRedisUrl.js';
import { RedisHealth } from './RedisHealth.js';
import { ttlToMilliseconds } from './ttlToMilliseconds.js';

/** Options for `RedisCache`. */
export interface RedisCacheOptions {
  /** `redis://`, `rediss://`, or `redis+cluster://host:port,host:port` (see `parseRedisUrl`). */
  url: string;
  /** Treat a plain `redis://` URL as a Cluster seed node. */
  cluster?: boolean;
  /** Prepended to every key, e.g. `"staging:"`, so environments can share one Redis. Must not contain `{` or `}`. */
  keyPrefix?: string;
  /** Upper bound on one Redis command; past it the caller gets a miss (default 200 ms). */
  commandTimeoutMs?: number;
  /** Upper bound on establishing a connection (default 2000 ms). */
  connectTimeoutMs?: number;
  /** Ceiling of the reconnect backoff; reconnection never stops (default 2000 ms). */
  maxReconnectDelayMs?: number;
  /** Consecutive timeouts after which Redis is skipped for `breakerCooldownMs` (default 3). */
  breakerThreshold?: number;
  /** How long a hung Redis is skipped before it is tried again (default 1000 ms). */
  breakerCooldownMs?: number;
  /** Where outages and recoveries are reported (default: silent). */
  logger?: CacheLogger;
}

/** Defaults for `RedisCache`: a cache read must cost far less than the ~10 ms upstream call it saves. */
export const defaultRedisCacheOptions = {
  commandTimeoutMs: 200,
  connectTimeoutMs: 2000,
  maxReconnectDelayMs: 2000,
  breakerThreshold: 3,
  breakerCooldownMs: 1000,
} as const;

/** Values from this size on are handed to ioredis as bytes (see {@link payload}). */
const PAYLOAD_AS_BYTES = 1024;

/**
 * A value as ioredis should write it. A string argument is measured (`Buffer.byteLength`), joined into one command
 * string with the pipeline's others (a copy) and encoded again by the socket; a Buffer is encoded once here and
 * written as it is. Measured on what a cold dashboard writes (10 search pages of ~30 KB in a pipeline, then a
 * ~300 KB answer), interleaved: ~6 ms of CPU per round as strings, ~4.5 ms as Buffers, the stringification
 * included. Small values gain nothing and stay strings.
 */
function payload(value: string): string | Buffer {
  return value.length >= PAYLOAD_AS_BYTES ? Buffer.from(value, 'utf8') : value;
}

/**
 * The shared cache on Redis (single node or Cluster) through ioredis. It never rejects: commands are bounded by
 * a timeout, fail fast while disconnected (no offline queue, so a request never waits for Redis to come back),
 * and every failure is counted and turned into a miss or a no-op while the client keeps reconnecting forever.
 */
export class RedisCache implements KeyValueCache {
  readonly kind = 'redis' as const;
  readonly stats: CacheStats = createCacheStats();
  readonly keyPrefix: string;
  /** The URL with credentials redacted, for logs. */
  readonly target: string;
  readonly #client: Redis | Cluster;
  readonly #clustered: boolean;
  readonly #health: RedisHealth;

  constructor(options: RedisCacheOptions) {
    const commandTimeoutMs = options.commandTimeoutMs ?? defaultRedisCacheOptions.commandTimeoutMs;
    const connectTimeoutMs = options.connectTimeoutMs ?? defaultRedisCacheOptions.connectTimeoutMs;
    const maxReconnectDelayMs = options.maxReconnectDelayMs ?? defaultRedisCacheOptions.maxReconnectDelayMs;
    assertPositive('commandTimeoutMs', commandTimeoutMs);
    assertPositive('connectTimeoutMs', connectTimeoutMs);
    assertPositive('maxReconnectDelayMs', maxReconnectDelayMs);
    const breakerThreshold = options.breakerThreshold ?? defaultRedisCacheOptions.breakerThreshold;
    const breakerCooldownMs = options.breakerCooldownMs ?? defaultRedisCacheOptions.breakerCooldownMs;
    assertPositive('breakerThreshold', breakerThreshold, 'a positive number');
    assertPositive('breakerCooldownMs', breakerCooldownMs);
    const keyPrefix = options.keyPrefix ?? '';
    if (/[{}]/.test(keyPrefix)) {
      // A brace in the prefix would become the key's hash tag and scatter one MGET over many Cluster slots.
      throw new TypeError(`RedisCache: expected keyPrefix without "{" or "}", got "${keyPrefix}"`);
    }
    const target = parseRedisUrl(options.url, { cluster: options.cluster ?? false });
    this.keyPrefix = keyPrefix;
    this.target = target.display;
    this.#clustered = target.mode === 'cluster';
    // The command's own timeout fires first; this outer deadline also covers time ioredis spends before sending
    // (Cluster redirections, slot refreshes), so no caller ever waits on Redis for long.
    const deadlineMs = commandTimeoutMs * 2 + 50;
    this.#client = createRedisClient(target, { commandTimeoutMs, connectTimeoutMs, maxReconnectDelayMs });
    this.#health = new RedisHealth(this.#client, {
      target: this.target,
      stats: this.stats,
      logger: options.logger,
      deadlineMs,
      breakerThreshold,
      breakerCooldownMs,
    });
  }

  async get(key: string): Promise<string | undefined> {
    if (!this.#health.usable()) {
      this.stats.misses += 1;
      return undefined;
    }
    try {
      const value = await this.#health.withDeadline(this.#client.get(this.keyPrefix + key));
      if (value === null) {
        this.stats.misses += 1;
        return undefined;
      }
      this.stats.hits += 1;
      return value;
    } catch (error) {
      this.#health.fail('get', error);
      this.stats.misses += 1;
      return undefined;
    }
  }

  async getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    const values: (string | undefined)[] = keys.map(() => undefined);
    if (keys.length === 0) return values;
    if (!this.#health.usable()) {
      this.stats.misses += keys.length;
      return values;
    }
    await this.#eachSlot('getMany', prefixed(this.keyPrefix, keys), async (group) => {
      const found = await this.#health.withDeadline(this.#client.mget(group.keys));
      group.indexes.forEach((index, position) => {
        const value = found[position];
        if (typeof value === 'string') values[index] = value;
      });
    });
    for (const value of values) {
      if (value === undefined) this.stats.misses += 1;
      else this.stats.hits += 1;
    }
    return values;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    const ttlMs = ttlToMilliseconds(ttlSeconds);
    if (ttlMs === undefined || !this.#health.usable()) return;
    try {
      await this.#health.withDeadline(this.#client.set(this.keyPrefix + key, payload(value), 'PX', ttlMs));
      this.stats.sets += 1;
    } catch (error) {
      this.#health.fail('set', error);
    }
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<SetIfAbsentResult> {
    const ttlMs = ttlToMilliseconds(ttlSeconds);
    // A claim that cannot expire (or would expire at once) protects nothing; refuse it like an outage.
    if (ttlMs === undefined || !this.#health.usable()) return 'unavailable';
    try {
      const reply = await this.#health.withDeadline(this.#client.set(this.keyPrefix + key, value, 'PX', ttlMs, 'NX'));
      if (reply !== 'OK') return 'exists';
      this.stats.sets += 1;
      return 'stored';
    } catch (error) {
      this.#health.fail('setIfAbsent', error);
      return 'unavailable';
    }
  }

  async setMany(entries: readonly KeyValueEntry[]): Promise<void> {
    const storable: { key: string; value: string; ttlMs: number }[] = [];
    for (const entry of entries) {
      const ttlMs = ttlToMilliseconds(entry.ttlSeconds);
      if (ttlMs !== undefined) storable.push({ key: this.keyPrefix + entry.key, value: entry.value, ttlMs });
    }
    if (storable.length === 0 || !this.#health.usable()) return;
    await this.#eachSlot(
      'setMany',
      storable.map((entry) => entry.key),
      async (group) => {
        // One pipeline per slot: on Cluster a pipeline must stay on one node, and one slot always does.
        const pipeline = this.#client.pipeline();
        for (const index of group.indexes) {
          const entry = storable[index];
          if (entry) pipeline.set(entry.key, payload(entry.value), 'PX', entry.ttlMs);
        }
        const results = await this.#health.withDeadline(pipeline.exec());
        if (!results) throw new Error('pipeline was discarded');
        for (const [error] of results) {
          if (error) this.#health.commandFailed('setMany', error);
          else this.stats.sets += 1;
        }
      },
    );
  }

  async delete(keys: readonly string[]): Promise<void> {
    if (keys.length === 0 || !this.#health.usable()) return;
    await this.#eachSlot('delete', prefixed(this.keyPrefix, keys), async (group) => {
      await this.#health.withDeadline(this.#client.del(...group.keys));
      this.stats.deletes += group.keys.length;
    });
  }

  async close(): Promise<void> {
    if (this.#health.closed) return;
    this.#health.close();
    try {
      // QUIT lets in-flight replies drain; it is pointless (and would fail) on a connection that is down.
      if (this.#client.status === 'ready') await this.#health.withDeadline(this.#client.quit());
    } catch {
      // Closing is best effort; disconnect() below ends the connection regardless.
    } finally {
      this.#client.disconnect();
    }
  }

  /** Resolves true once connected, or false after `timeoutMs` (start-up waits briefly, then serves uncached). */
  async whenReady(timeoutMs: number): Promise<boolean> {
    if (this.#client.status === 'ready') return true;
    return new Promise((resolve) => {
      const done = (value: boolean) => {
        clearTimeout(timer);
        this.#client.off('ready', onReady);
        resolve(value);
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      timer.unref();
      this.#client.once('ready', onReady);
    });
  }

  isHealthy(): boolean {
    return this.#health.isHealthy();
  }

  /**
   * Runs `command` once per hash-slot group of `keys` (already prefixed), the groups in parallel; a group that fails
   * is reported and its keys left as misses or no-ops, so the others still count.
   */
  async #eachSlot(operation: string, keys: readonly string[], command: (group: SlotGroup) => Promise<void>) {
    await Promise.all(
      groupBySlot(keys, this.#clustered).map(async (group) => {
        try {
          await command(group);
        } catch (error) {
          this.#health.fail(operation, error);
        }
      }),
    );
  }
}

function assertPositive(name: string, value: number, what = 'a positive number of milliseconds'): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new TypeError(`RedisCache: expected ${name} to be ${what}, got ${String(value)}`);
  }
}

/** The keys as stored: the deployment's prefix before each. */
function prefixed(keyPrefix: string, keys: readonly string[]): string[] {
  return keys.map((key) => keyPrefix + key);
}
