import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { CacheLogger } from './CacheLogger.js';
import { createCacheStats, type CacheStats } from './cacheStats.js';
import type { KeyValueCache, KeyValueEntry, SetIfAbsentResult } from './KeyValueCache.js';
import { keySlot } from './keySlot.js';
import { parseRedisUrl, type RedisTarget } from './parseRedisUrl.js';
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

// One warning per this interval at most: during an outage every request fails its cache calls.
const errorLogIntervalMs = 10_000;

type SlotGroup = { indexes: number[]; keys: string[] };

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
  readonly #deadlineMs: number;
  readonly #logger: CacheLogger | undefined;
  readonly #breakerThreshold: number;
  readonly #breakerCooldownMs: number;
  #consecutiveTimeouts = 0;
  #skipUntil = 0;
  #closed = false;
  #reportedDown = false;
  #lastErrorLogAt = Number.NEGATIVE_INFINITY;

  constructor(options: RedisCacheOptions) {
    const commandTimeoutMs = options.commandTimeoutMs ?? defaultRedisCacheOptions.commandTimeoutMs;
    const connectTimeoutMs = options.connectTimeoutMs ?? defaultRedisCacheOptions.connectTimeoutMs;
    const maxReconnectDelayMs = options.maxReconnectDelayMs ?? defaultRedisCacheOptions.maxReconnectDelayMs;
    assertPositive('commandTimeoutMs', commandTimeoutMs);
    assertPositive('connectTimeoutMs', connectTimeoutMs);
    assertPositive('maxReconnectDelayMs', maxReconnectDelayMs);
    this.#breakerThreshold = options.breakerThreshold ?? defaultRedisCacheOptions.breakerThreshold;
    this.#breakerCooldownMs = options.breakerCooldownMs ?? defaultRedisCacheOptions.breakerCooldownMs;
    assertPositive('breakerThreshold', this.#breakerThreshold, 'a positive number');
    assertPositive('breakerCooldownMs', this.#breakerCooldownMs);
    const keyPrefix = options.keyPrefix ?? '';
    if (/[{}]/.test(keyPrefix)) {
      // A brace in the prefix would become the key's hash tag and scatter one MGET over many Cluster slots.
      throw new TypeError(`RedisCache: expected keyPrefix without "{" or "}", got "${keyPrefix}"`);
    }
    const target = parseRedisUrl(options.url, { cluster: options.cluster ?? false });
    this.keyPrefix = keyPrefix;
    this.target = target.display;
    this.#logger = options.logger;
    this.#clustered = target.mode === 'cluster';
    // The command's own timeout fires first; this outer deadline also covers time ioredis spends before sending
    // (Cluster redirections, slot refreshes), so no caller ever waits on Redis for long.
    this.#deadlineMs = commandTimeoutMs * 2 + 50;
    this.#client = createClient(target, { commandTimeoutMs, connectTimeoutMs, maxReconnectDelayMs });
    this.#watchConnection();
  }

  async get(key: string): Promise<string | undefined> {
    if (!this.#usable()) {
      this.stats.misses += 1;
      return undefined;
    }
    try {
      const value = await this.#withDeadline(this.#client.get(this.keyPrefix + key));
      if (value === null) {
        this.stats.misses += 1;
        return undefined;
      }
      this.stats.hits += 1;
      return value;
    } catch (error) {
      this.#fail('get', error);
      this.stats.misses += 1;
      return undefined;
    }
  }

  async getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    const values: (string | undefined)[] = keys.map(() => undefined);
    if (keys.length === 0) return values;
    if (!this.#usable()) {
      this.stats.misses += keys.length;
      return values;
    }
    await Promise.all(
      this.#groupBySlot(keys.map((key) => this.keyPrefix + key)).map(async (group) => {
        try {
          const found = await this.#withDeadline(this.#client.mget(group.keys));
          group.indexes.forEach((index, position) => {
            const value = found[position];
            if (typeof value === 'string') values[index] = value;
          });
        } catch (error) {
          this.#fail('getMany', error);
        }
      }),
    );
    for (const value of values) {
      if (value === undefined) this.stats.misses += 1;
      else this.stats.hits += 1;
    }
    return values;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    const ttlMs = ttlToMilliseconds(ttlSeconds);
    if (ttlMs === undefined || !this.#usable()) return;
    try {
      await this.#withDeadline(this.#client.set(this.keyPrefix + key, value, 'PX', ttlMs));
      this.stats.sets += 1;
    } catch (error) {
      this.#fail('set', error);
    }
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<SetIfAbsentResult> {
    const ttlMs = ttlToMilliseconds(ttlSeconds);
    // A claim that cannot expire (or would expire at once) protects nothing; refuse it like an outage.
    if (ttlMs === undefined || !this.#usable()) return 'unavailable';
    try {
      const reply = await this.#withDeadline(this.#client.set(this.keyPrefix + key, value, 'PX', ttlMs, 'NX'));
      if (reply !== 'OK') return 'exists';
      this.stats.sets += 1;
      return 'stored';
    } catch (error) {
      this.#fail('setIfAbsent', error);
      return 'unavailable';
    }
  }

  async setMany(entries: readonly KeyValueEntry[]): Promise<void> {
    const storable: { key: string; value: string; ttlMs: number }[] = [];
    for (const entry of entries) {
      const ttlMs = ttlToMilliseconds(entry.ttlSeconds);
      if (ttlMs !== undefined) storable.push({ key: this.keyPrefix + entry.key, value: entry.value, ttlMs });
    }
    if (storable.length === 0 || !this.#usable()) return;
    await Promise.all(
      this.#groupBySlot(storable.map((entry) => entry.key)).map(async (group) => {
        // One pipeline per slot: on Cluster a pipeline must stay on one node, and one slot always does.
        const pipeline = this.#client.pipeline();
        for (const index of group.indexes) {
          const entry = storable[index];
          if (entry) pipeline.set(entry.key, entry.value, 'PX', entry.ttlMs);
        }
        try {
          const results = await this.#withDeadline(pipeline.exec());
          if (!results) throw new Error('pipeline was discarded');
          for (const [error] of results) {
            if (error && isTimeout(error)) this.#recordTimeout();
            if (error) this.#fail('setMany', error);
            else this.stats.sets += 1;
          }
        } catch (error) {
          this.#fail('setMany', error);
        }
      }),
    );
  }

  async delete(keys: readonly string[]): Promise<void> {
    if (keys.length === 0 || !this.#usable()) return;
    await Promise.all(
      this.#groupBySlot(keys.map((key) => this.keyPrefix + key)).map(async (group) => {
        try {
          await this.#withDeadline(this.#client.del(...group.keys));
          this.stats.deletes += group.keys.length;
        } catch (error) {
          this.#fail('delete', error);
        }
      }),
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      // QUIT lets in-flight replies drain; it is pointless (and would fail) on a connection that is down.
      if (this.#client.status === 'ready') await this.#withDeadline(this.#client.quit());
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
    return !this.#closed && this.#client.status === 'ready' && Date.now() >= this.#skipUntil;
  }

  /**
   * Whether to send a command now. A command sent while disconnected would only fail, and one sent to a server
   * that has stopped answering would cost a full timeout; skipping both keeps an outage from adding latency.
   */
  #usable(): boolean {
    if (this.isHealthy()) return true;
    this.stats.errors += 1;
    return false;
  }

  /** Single node: one group. Cluster: one group per hash slot, since a multi-key command must not cross slots. */
  #groupBySlot(keys: readonly string[]): SlotGroup[] {
    if (!this.#clustered) return [{ indexes: keys.map((_, index) => index), keys: [...keys] }];
    const groups = new Map<number, SlotGroup>();
    keys.forEach((key, index) => {
      const slot = keySlot(key);
      let group = groups.get(slot);
      if (!group) {
        group = { indexes: [], keys: [] };
        groups.set(slot, group);
      }
      group.indexes.push(index);
      group.keys.push(key);
    });
    return [...groups.values()];
  }

  async #withDeadline<T>(operation: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new Error(`Redis cache call exceeded ${this.#deadlineMs} ms`);
        error.name = 'CacheDeadlineError';
        reject(error);
      }, this.#deadlineMs);
    });
    try {
      // Promise.race subscribes to `operation`, so its late rejection after a deadline is handled, not unhandled.
      const result = await Promise.race([operation, deadline]);
      this.#consecutiveTimeouts = 0;
      return result;
    } catch (error) {
      if (isTimeout(error)) this.#recordTimeout();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A connected server that stops answering (overloaded, paused, a network black hole) leaves the connection
   * "ready", so only timeouts reveal it. After a few in a row, skip Redis for a cooldown, then try again.
   */
  #recordTimeout(): void {
    this.#consecutiveTimeouts += 1;
    if (this.#consecutiveTimeouts < this.#breakerThreshold) return;
    // The count is kept, so one more timeout after the cooldown skips again at once; any success resets it.
    const now = Date.now();
    const alreadySkipping = now < this.#skipUntil;
    this.#skipUntil = now + this.#breakerCooldownMs;
    if (alreadySkipping) return; // calls that were in flight when it tripped; reported once is enough
    this.#logger?.warn(
      `Redis cache at ${this.target} timed out ${this.#consecutiveTimeouts} times in a row; ` +
        `skipping it for ${this.#breakerCooldownMs} ms`,
    );
  }

  #fail(operation: string, error: unknown): void {
    this.stats.errors += 1;
    const now = Date.now();
    if (now - this.#lastErrorLogAt < errorLogIntervalMs) return;
    this.#lastErrorLogAt = now;
    this.#logger?.warn(`Redis cache ${operation} failed (${describe(error)}); serving uncached`);
  }

  #watchConnection(): void {
    // Without an 'error' listener ioredis reports every failed reconnect attempt on stderr; here an outage is
    // reported once, and its end once.
    const onError = (error: unknown): void => {
      if (this.#reportedDown || this.#closed) return;
      this.#reportedDown = true;
      this.#logger?.warn(`Redis cache at ${this.target} is unreachable (${describe(error)}); serving uncached`);
    };
    this.#client.on('error', onError);
    if (this.#client instanceof Cluster) this.#client.on('node error', onError);
    this.#client.on('ready', () => {
      if (!this.#reportedDown) return;
      this.#reportedDown = false;
      this.#logger?.info?.(`Redis cache at ${this.target} is reachable again`);
    });
  }
}

function createClient(
  target: RedisTarget,
  limits: { commandTimeoutMs: number; connectTimeoutMs: number; maxReconnectDelayMs: number },
): Redis | Cluster {
  const connection: RedisOptions = {
    commandTimeout: limits.commandTimeoutMs,
    connectTimeout: limits.connectTimeoutMs,
    // Fail fast while disconnected instead of queueing requests behind an outage.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // ioredis arms this timer on disconnect even when the socket is already gone (Redis down), and nothing clears
    // it; its 2 s default would hold a shutting-down process open that long.
    disconnectTimeout: 100,
    retryStrategy: (attempt) => reconnectDelay(attempt, limits.maxReconnectDelayMs),
  };
  if (target.mode === 'single') return new Redis(target.url, connection);
  // Node connections inside a Cluster reconnect under clusterRetryStrategy; ioredis ignores a per-node strategy.
  const { retryStrategy: _unused, ...nodeConnection } = connection;
  const options: ClusterOptions = {
    enableOfflineQueue: false,
    clusterRetryStrategy: (attempt) => reconnectDelay(attempt, limits.maxReconnectDelayMs),
    slotsRefreshTimeout: limits.connectTimeoutMs,
    redisOptions: {
      ...nodeConnection,
      ...(target.username ? { username: target.username } : {}),
      ...(target.password ? { password: target.password } : {}),
      ...(target.tls ? { tls: {} } : {}),
    },
  };
  return new Cluster(target.nodes, options);
}

/** Exponential backoff from 50 ms with jitter (so a fleet does not reconnect in lockstep), capped, never giving up. */
function reconnectDelay(attempt: number, maxDelayMs: number): number {
  const exponential = Math.min(maxDelayMs, 50 * 2 ** Math.min(attempt, 16));
  return Math.round(exponential / 2 + Math.random() * (exponential / 2));
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.message === 'Command timed out' || error.name === 'CacheDeadlineError');
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

function assertPositive(name: string, value: number, what = 'a positive number of milliseconds'): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new TypeError(`RedisCache: expected ${name} to be ${what}, got ${String(value)}`);
  }
}
