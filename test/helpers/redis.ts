// Redis for tests. The shared Redis at 127.0.0.1:6379 is used by every test run on the machine at once: a test
// works under a key prefix of its own and deletes only its own keys (never FLUSHDB). Tests that need Redis call
// requireRedis first: without it they fail at once with one line saying what to start, instead of timing out,
// crashing a worker, or passing because the cache quietly fell back to memory.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { Redis } from 'ioredis';
import { RedisCache, type RedisCacheOptions } from '../../src/cache/RedisCache.js';
import { waitFor } from './waitFor.js';

/** The shared Redis the integration tests use. */
export const sharedRedisUrl = 'redis://127.0.0.1:6379';

/** An error whose whole report is its one-line message (a stack adds nothing to "start Redis"). */
function oneLine(message: string): Error {
  const error = new Error(message);
  error.stack = message;
  return error;
}

/** Resolves when a Redis answers PING at `url` (any reply counts, even NOAUTH); rejects with one line otherwise. */
export async function requireRedis(url: string = sharedRedisUrl, timeoutMs = 3000): Promise<void> {
  const { hostname, port } = new URL(url);
  const host = hostname || '127.0.0.1';
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = connect({ host, port: Number(port || 6379) });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk: Buffer) => done(/^[+-]/.test(chunk.toString())));
    socket.once('error', () => done(false));
  });
  if (!reachable) {
    throw oneLine(
      `This test needs Redis at ${host}:${port || 6379} and none answers: start it (e.g. \`redis-server --port ${port || 6379} --save '' --daemonize yes\`) and run the test again.`,
    );
  }
}

/** Resolves when `redis-server` can be run (tests that start their own throwaway servers); one line otherwise. */
export async function requireRedisServerBinary(): Promise<void> {
  const runs = await new Promise<boolean>((resolve) => {
    const child = spawn('redis-server', ['--version'], { stdio: 'ignore' });
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
  if (!runs)
    throw oneLine(
      'This test starts its own redis-server and none is installed: install Redis (e.g. `apt-get install redis-server`) so `redis-server` is on PATH, and run the test again.',
    );
}

/** A test's own corner of the shared Redis: a unique key prefix, the settings that point a server at it, cleanup. */
export interface RedisNamespace {
  /** `test:<name>:<uuid>:`, unique to this run. */
  readonly prefix: string;
  /** REDIS_URL and REDIS_KEY_PREFIX for startStack's `env`. */
  readonly env: { REDIS_URL: string; REDIS_KEY_PREFIX: string };
  /** Deletes every key under the prefix (SCAN + DEL): what the test leaves behind in the shared Redis. */
  deleteKeys(): Promise<void>;
}

/** A fresh key prefix in the shared Redis for one suite (`name` only makes leftover keys recognisable). */
export function redisNamespace(name: string, url: string = sharedRedisUrl): RedisNamespace {
  const prefix = `test:${name}:${randomUUID()}:`;
  return {
    prefix,
    env: { REDIS_URL: url, REDIS_KEY_PREFIX: prefix },
    deleteKeys: () => deleteKeysWithPrefix(url, prefix),
  };
}

/** Deletes the keys under `prefix` at `url`, in SCAN batches (KEYS would block a Redis shared with other runs). */
export async function deleteKeysWithPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

/** A RedisCache that has connected, so a test's first command does not race the connection. */
export async function readyRedisCache(options: RedisCacheOptions): Promise<RedisCache> {
  const cache = new RedisCache(options);
  try {
    await waitFor(
      () => cache.isHealthy(),
      5000,
      () => `RedisCache at ${options.url} to become ready`,
    );
  } catch (error) {
    await cache.close();
    throw error;
  }
  return cache;
}

/** The commands a Redis received, as MONITOR reports them: to assert what a cache sent, not only what it answered. */
export interface CommandLog {
  /** Runs `action` and returns the commands it sent, `[lower-case name, ...arguments]`, in order. */
  during(cache: { get(key: string): Promise<unknown> }, action: () => Promise<unknown>): Promise<string[][]>;
  /** Ends MONITOR. */
  stop(): void;
}

/**
 * Puts `source` (a connection of its own: MONITOR takes it over) in MONITOR mode and logs the commands with an
 * argument under `prefix`, the key prefix of the caches under test.
 */
export async function monitorCommands(source: Redis, prefix: string): Promise<CommandLog> {
  const commands: string[][] = [];
  // A second connection in MONITOR mode, as ioredis's monitor() opens one (the client it came from is not needed),
  // but ours to close: ioredis handles the feed only once it has seen MONITOR's +OK, so another client's command
  // logged in the same read is taken for a reply nobody awaits ("Command queue state error") and the set-up fails.
  // Other suites share this Redis, so that can happen on a loaded machine: a fresh connection is tried again.
  let monitor: Redis | undefined;
  for (let attempt = 1; !monitor; attempt += 1) {
    const candidate = source.duplicate({ monitor: true, lazyConnect: false });
    try {
      await new Promise<void>((resolve, reject) => {
        candidate.once('error', reject);
        candidate.once('monitoring', () => resolve());
      });
      monitor = candidate;
    } catch (error) {
      candidate.disconnect();
      if (attempt >= 5 || !String(error).includes('Command queue state error')) throw error;
    }
  }
  source.disconnect();
  // After set-up the feed is handled as the feed. A later error shows as commands missing from the log in the test
  // that meets it; unheard, an 'error' event would throw out of the socket handler and end the process.
  monitor.on('error', () => undefined);
  monitor.on('monitor', (_time: string, args: string[]) => {
    if (args.slice(1).some((arg) => arg.startsWith(prefix)))
      commands.push([(args[0] ?? '').toLowerCase(), ...args.slice(1)]);
  });
  return {
    async during(cache, action) {
      const start = commands.length;
      await action();
      // MONITOR delivers in order: once a marker GET sent after the action is seen, so is all the action sent.
      const marker = `marker-${randomUUID()}`;
      await cache.get(marker);
      await waitFor(() => commands.slice(start).some((args) => args.includes(prefix + marker)), 5000);
      return commands.slice(start).filter((args) => !args.includes(prefix + marker));
    },
    stop: () => monitor.disconnect(),
  };
}
