import { Cluster, type Redis } from 'ioredis';
import type { CacheLogger } from './CacheLogger.js';
import type { CacheStats } from './cacheStats.js';

// One warning per this interval at most: during an outage every request fails its cache calls.
const errorLogIntervalMs = 10_000;

/** What RedisHealth watches and where it reports. */
export interface RedisHealthOptions {
  /** The URL with credentials redacted, for logs. */
  target: string;
  /** The cache's live counters: every skipped or failed command counts as an error. */
  stats: CacheStats;
  logger: CacheLogger | undefined;
  /** Outer bound on one command, whatever ioredis does before sending it. */
  deadlineMs: number;
  /** Consecutive timeouts after which Redis is skipped for `breakerCooldownMs`. */
  breakerThreshold: number;
  breakerCooldownMs: number;
}

/**
 * "Redis down → serve uncached" for RedisCache: whether a command is worth sending now (connected, not skipped
 * after a run of timeouts), a deadline around each command, and the reports of an outage (once when it starts,
 * once when it ends, failures at most once per interval). Nothing here throws at a caller.
 */
export class RedisHealth {
  readonly #client: Redis | Cluster;
  readonly #options: RedisHealthOptions;
  #consecutiveTimeouts = 0;
  #skipUntil = 0;
  #closed = false;
  #reportedDown = false;
  #lastErrorLogAt = Number.NEGATIVE_INFINITY;

  constructor(client: Redis | Cluster, options: RedisHealthOptions) {
    this.#client = client;
    this.#options = options;
    this.#watchConnection();
  }

  /** Whether the cache is closed (it reports nothing more). */
  get closed(): boolean {
    return this.#closed;
  }

  /** The cache was closed: it is unhealthy from now on and an outage is no longer news. */
  close(): void {
    this.#closed = true;
  }

  /** Open, connected and not skipping Redis after a run of timeouts. */
  isHealthy(): boolean {
    return !this.#closed && this.#client.status === 'ready' && Date.now() >= this.#skipUntil;
  }

  /**
   * Whether to send a command now. A command sent while disconnected would only fail, and one sent to a server
   * that has stopped answering would cost a full timeout; skipping both keeps an outage from adding latency.
   */
  usable(): boolean {
    if (this.isHealthy()) return true;
    this.#options.stats.errors += 1;
    return false;
  }

  /** `operation`, or a CacheDeadlineError after the deadline; timeouts feed the breaker, a success resets it. */
  async withDeadline<T>(operation: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const { deadlineMs } = this.#options;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new Error(`Redis cache call exceeded ${deadlineMs} ms`);
        error.name = 'CacheDeadlineError';
        reject(error);
      }, deadlineMs);
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

  /** One command of a pipeline failed: a timeout feeds the breaker, and the failure is counted and reported. */
  commandFailed(operation: string, error: unknown): void {
    if (isTimeout(error)) this.#recordTimeout();
    this.fail(operation, error);
  }

  /** A call failed and became a miss or a no-op: count it, and warn unless a warning went out recently. */
  fail(operation: string, error: unknown): void {
    this.#options.stats.errors += 1;
    const now = Date.now();
    if (now - this.#lastErrorLogAt < errorLogIntervalMs) return;
    this.#lastErrorLogAt = now;
    this.#options.logger?.warn(`Redis cache ${operation} failed (${describe(error)}); serving uncached`);
  }

  /**
   * A connected server that stops answering (overloaded, paused, a network black hole) leaves the connection
   * "ready", so only timeouts reveal it. After a few in a row, skip Redis for a cooldown, then try again.
   */
  #recordTimeout(): void {
    const { breakerThreshold, breakerCooldownMs, logger, target } = this.#options;
    this.#consecutiveTimeouts += 1;
    if (this.#consecutiveTimeouts < breakerThreshold) return;
    // The count is kept, so one more timeout after the cooldown skips again at once; any success resets it.
    const now = Date.now();
    const alreadySkipping = now < this.#skipUntil;
    this.#skipUntil = now + breakerCooldownMs;
    if (alreadySkipping) return; // calls that were in flight when it tripped; reported once is enough
    logger?.warn(
      `Redis cache at ${target} timed out ${this.#consecutiveTimeouts} times in a row; ` +
        `skipping it for ${breakerCooldownMs} ms`,
    );
  }

  #watchConnection(): void {
    const { logger, target } = this.#options;
    // Without an 'error' listener ioredis reports every failed reconnect attempt on stderr; here an outage is
    // reported once, and its end once.
    const onError = (error: unknown): void => {
      if (this.#reportedDown || this.#closed) return;
      this.#reportedDown = true;
      logger?.warn(`Redis cache at ${target} is unreachable (${describe(error)}); serving uncached`);
    };
    this.#client.on('error', onError);
    if (this.#client instanceof Cluster) this.#client.on('node error', onError);
    this.#client.on('ready', () => {
      if (!this.#reportedDown) return;
      this.#reportedDown = false;
      logger?.info?.(`Redis cache at ${target} is reachable again`);
    });
  }
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
