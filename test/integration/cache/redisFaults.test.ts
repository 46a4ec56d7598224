// The Redis cache under a crash, a restart and a hang of its own redis-server: callers must never notice.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RedisCache } from '../../../src/cache/RedisCache.js';
import { startRedisServer, freePort, waitFor, type RedisServer } from './redisServer.js';
import type { TrafficReport, TrafficStatus } from './faultTraffic.js';

const servers: RedisServer[] = [];
const caches: RedisCache[] = [];
const children: ChildProcess[] = [];

async function start(port?: number): Promise<RedisServer> {
  const server = await startRedisServer(port === undefined ? {} : { port });
  servers.push(server);
  return server;
}

function open(url: string, logs: string[] = []): RedisCache {
  const cache = new RedisCache({
    url,
    keyPrefix: 'faults:',
    commandTimeoutMs: 100,
    maxReconnectDelayMs: 200,
    breakerThreshold: 3,
    breakerCooldownMs: 300,
    logger: { warn: (message) => logs.push(message) },
  });
  caches.push(cache);
  return cache;
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
    await waitFor(() => status?.healthy === true && status.hits > 0, 10_000, () => 'traffic to hit the cache');
    const connected = status as TrafficStatus;
    await waitFor(() => (status?.hits ?? 0) > connected.hits + 20, 5000, () => 'steady traffic');
    expect(status?.errors).toBe(connected.errors);

    await first.kill();
    await waitFor(() => status?.healthy === false, 2000, () => 'the cache to notice the crash');
    const atCrash = status as TrafficStatus;
    await waitFor(() => (status?.calls ?? 0) > atCrash.calls + 50, 3000, () => 'traffic to continue during the outage');
    expect(status?.errors).toBeGreaterThan(atCrash.errors);

    await start(first.port);
    const restartedAt = performance.now();
    const hitsAtRestart = status?.hits ?? 0;
    // The traffic reads back what it wrote a moment before, so new hits mean a set then a get succeeded.
    await waitFor(() => (status?.hits ?? 0) > hitsAtRestart, 5000, () => 'caching to resume after restart');
    expect(performance.now() - restartedAt).toBeLessThan(3000);

    child.send({ type: 'stop' });
    const final = await report;
    expect(final.probeSeen).toBe(true);
    expect(final.unhandled).toEqual([]);
    expect(final.failures).toEqual([]);
    expect(final.outageReads).toBeGreaterThan(0);
    expect(final.outageHits).toBe(0);
    expect(final.slowestMs).toBeLessThan(1000);
    expect(final.finalRoundTrip).toBe(true);
    expect(final.logs.filter((line) => line.includes('unreachable'))).toHaveLength(1);
    expect(final.logs.some((line) => line.startsWith('info') && line.includes('reachable again'))).toBe(true);
  });

  // Jest 30 fails the running test on any unhandled rejection, which guards the two tests below.
  it('bounds every call by the command timeout when Redis hangs, then stops waiting on it for a while', async () => {
    const server = await start();
    const logs: string[] = [];
    const cache = open(server.url, logs);
    await waitFor(() => cache.isHealthy(), 5000, () => 'initial connection');
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
      expect(elapsed).toBeLessThan(1000);
      expect(cache.stats.errors).toBe(5);

      // Five timeouts in a row tripped the breaker: while it is open, calls skip Redis at no cost.
      expect(cache.isHealthy()).toBe(false);
      const skipping = performance.now();
      expect(await cache.getMany(['hung'])).toEqual([undefined]);
      await cache.set('hung', 'skipped', 60);
      expect(performance.now() - skipping).toBeLessThan(20);
      expect(cache.stats.errors).toBe(7);
      expect(logs.filter((line) => line.includes('in a row; skipping it'))).toHaveLength(1);
    } finally {
      server.resume();
    }
    await waitFor(() => roundTrips(cache, 'after-hang'), 5000, () => 'caching to resume after the hang');
  });

  it('serves misses while Redis has never been reachable, and starts caching when it appears', async () => {
    const port = await freePort();
    const cache = open(`redis://127.0.0.1:${port}`);
    const began = performance.now();
    expect(await cache.getMany(['a', 'b'])).toEqual([undefined, undefined]);
    await cache.set('a', '1', 60);
    expect(await cache.get('a')).toBeUndefined();
    expect(performance.now() - began).toBeLessThan(200);
    expect(cache.isHealthy()).toBe(false);
    expect(cache.stats.errors).toBe(3);
    expect(cache.stats.misses).toBe(3);

    await start(port);
    await waitFor(() => roundTrips(cache, 'late'), 5000, () => 'caching to start once Redis appears');
  });
});
