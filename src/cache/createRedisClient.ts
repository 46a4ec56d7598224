import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisTarget } from './parseRedisUrl.js';

/** The timeouts a RedisCache client runs with (all in milliseconds). */
export interface RedisClientLimits {
  commandTimeoutMs: number;
  connectTimeoutMs: number;
  maxReconnectDelayMs: number;
}

/**
 * An ioredis client (single node or Cluster) set up to fail fast: no offline queue, one retry, bounded commands,
 * and reconnection that never stops, so an outage costs callers a miss, never a wait.
 */
export function createRedisClient(target: RedisTarget, limits: RedisClientLimits): Redis | Cluster {
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
