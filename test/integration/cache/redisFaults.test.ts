// The Redis cache under a crash, a restart and a hang of its own redis-server: callers must never notice.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { RedisCache } from '../../../src/cache/RedisCache.js';
import { freePort } from '../../helpers/listen.js';
import { waitFor } from '../../helpers/waitFor.js';
import { startRedisServer, type RedisServer } from './redisServer.js';
import type { TrafficReport, TrafficStatus } from './faultTraffic.js';

const servers: RedisServer[] = [];
const caches: RedisCache[] = [];
const children: ChildProcess[] = [];

async function start(port?: number): Promise<RedisServer> {
  const server = await startRedisServer(port === undefined ? {} : { port });
  servers.push(server);
  return server;
}

const COMMAND_TIMEOUT_MS = 100;

function open(url: string, logs: string[] = []): RedisCache {
  const cache = new RedisCache({
    url,
    keyPrefix: 'faults:',
    commandTimeoutMs: COMMAND_TIMEOUT_MS,
    maxReconnectDelayMs: 200,
    breakerThreshold: 3,
    breakerCooldownMs: 300,
    logger: { warn: (message) => logs.push(message) },
  });
  caches.push(cache);
  return cache;
}

/**
 * Counts the commands every ioredis client in this process hands to its connection from now on (a skipped call
 * sends none). Whether Redis was skipped is asserted by this count, not by how fast the call returned.
 */
function countCommands(): { readonly sent: number; restore(): void } {
  const original = Redis.prototype.sendCommand;
  const counter = { sent: 0, restore: () => void (Redis.prototype.sendCommand = original) };
  Redis.prototype.sendCommand = function (this: Redis, ...args: Parameters<Redis['sendCommand']>) {
    counter.sent += 1;
    return original.apply(this, args);
  };
  return counter;
}

async function roundTrips(cache: RedisCache, key: string): Promise<boolean> {
  await cache.set(key, 'yes', 60);
  return (await cache.get(key)) === 'yes';
}

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(caches.map((cache) => cache.close()));
  await Promise.all(servers.map((server) => server.kill()));
});

describe('RedisCache when its Redis fails', () => {
  it('keeps answering through a crash, then resumes caching after a restart on the same port', async () => {
    const first = await start();
    const script = fileURLToPath(new URL('./faultTraffic.ts', import.meta.url));
    const child = fork(script, [first.url], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.push(child);
    let status: TrafficStatus | undefined;
    const report = new Promise<TrafficReport>((resolve, reject) => {
      child.on('message', (message: TrafficStatus | TrafficReport) => {
        if (message.type === 'status') status = message;
        else resolve(message);
      });
      child.once('exit', (code, signal) => reject(new Error(`traffic process exited early (${code ?? signal})`)));
    });
    report.catch(() => {}); // awaited below; a premature exit must not surface as an unhandled rejection meanwhile

    // Calls made while the first connection is still being set up are (rightly) counted as errors; once
    // connected, a healthy Redis must produce none.
    await waitFor(
      () => status?.healthy === true && status.hits > 0,
      15_000,
      () => 'traffic to hit the cache',
    );
    const connected = status as TrafficStatus;
    await waitFor(
      () => (status?.hits ?? 0) > connected.hits + 20,
      15_000,
      () => 'steady traffic',
    );
    expect(status?.errors).toBe(connected.errors);

    await first.kill();
    // The waits below are guards, not budgets: generous, since a loaded machine may be slow to get there.
    await waitFor(
      () => status?.healthy === false,
      15_000,
      () => 'the cache to notice the crash',
    );
    const atCrash = status as TrafficStatus;
    await waitFor(
      () => (status?.calls ?? 0) > atCrash.calls + 50,
      15_000,
      () => 'traffic to continue during the outage',
    );
    expect(status?.errors).toBeGreaterThan(atCrash.errors);

    await start(first.port);
    const hitsAtRestart = status?.hits ?? 0;
    // The traffic reads back what it wrote a moment before, so new hits mean a set then a get succeeded: caching
    // resumed by itself (reconnect attempts are at most 200 ms apart; the guard only bounds a failing run).
    await waitFor(
      () => (status?.hits ?? 0) > hitsAtRestart,
      15_000,
      () => 'caching to resume after restart',
    );

    child.send({ type: 'stop' });
    const final = await report;
    expect(final.probeSeen).toBe(true);
    expect(final.unhandled).toEqual([]);
    expect(final.failures).toEqual([]);
    expect(final.outageReads).toBeGreaterThan(0);
    expect(final.outageHits).toBe(0);
    // No caller ever waited on the dead Redis: each call is bounded by the command deadline (2 × 100 + 50 ms)
    // and, while down, skipped. A guard 10 × that deadline, generous for a loaded machine; a call waiting for
    // Redis to come back would have waited the whole outage.
    expect(final.slowestMs).toBeLessThan(10 * (2 * COMMAND_TIMEOUT_MS + 50));
    expect(final.finalRoundTrip).toBe(true);
    expect(final.logs.filter((line) => line.includes('unreachable'))).toHaveLength(1);
    expect(final.logs.some((line) => line.startsWith('info') && line.includes('reachable again'))).toBe(true);
  }, 90_000);

  // Jest 30 fails the running test on any unhandled rejection, which guards the two tests below.
  it('bounds every call by the command timeout when Redis hangs, then stops waiting on it for a while', async () => {
    const server = await start();
    const logs: string[] = [];
    const cache = open(server.url, logs);
    await waitFor(
      () => cache.isHealthy(),
      15_000,
      () => 'initial connection',
    );
    await cache.set('hung', 'before', 60);

    server.pause();
    try {
      const began = performance.now();
      const results = await Promise.all([
        cache.get('hung'),
        cache.getMany(['hung', 'other']),
        cache.set('hung', 'during', 60),
        cache.setMany([{ key: 'x', value: 'y', ttlSeconds: 60 }]),
        cache.delete(['hung']),
      ]);
      const elapsed = performance.now() - began;
      expect(results).toEqual([undefined, [undefined, undefined], undefined, undefined, undefined]);
      // The paused server answers nothing, so every call ended by its timeout: not before it (lower bound),
      // and not waiting for Redis (a guard, 20 × the timeout: without one the calls would wait until resume).
      expect(elapsed).toBeGreaterThanOrEqual(COMMAND_TIMEOUT_MS - 5);
      expect(elapsed).toBeLessThan(20 * COMMAND_TIMEOUT_MS);
      expect(cache.stats.errors).toBe(5);

      // Five timeouts in a row tripped the breaker: while it is open, calls skip Redis at no cost — no command
      // is even handed to the connection, so none can wait for the hung server.
      expect(cache.isHealthy()).toBe(false);
      const commands = countCommands();
      try {
        expect(await cache.getMany(['hung'])).toEqual([undefined]);
        await cache.set('hung', 'skipped', 60);
      } finally {
        commands.restore();
      }
      expect(commands.sent).toBe(0);
      expect(cache.stats.errors).toBe(7);
      expect(logs.filter((line) => line.includes('in a row; skipping it'))).toHaveLength(1);
    } finally {
      server.resume();
    }
    await waitFor(
      () => roundTrips(cache, 'after-hang'),
      15_000,
      () => 'caching to resume after the hang',
    );
  });

  it('serves misses while Redis has never been reachable, and starts caching when it appears', async () => {
    const port = await freePort();
    const cache = open(`redis://127.0.0.1:${port}`);
    // Not connected: the calls answer at once without sending anything (no command waits for a connection).
    const commands = countCommands();
    try {
      expect(await cache.getMany(['a', 'b'])).toEqual([undefined, undefined]);
      await cache.set('a', '1', 60);
      expect(await cache.get('a')).toBeUndefined();
    } finally {
      commands.restore();
    }
    expect(commands.sent).toBe(0);
    expect(cache.isHealthy()).toBe(false);
    expect(cache.stats.errors).toBe(3);
    expect(cache.stats.misses).toBe(3);

    await start(port);
    await waitFor(
      () => roundTrips(cache, 'late'),
      15_000,
      () => 'caching to start once Redis appears',
    );
  });
});
