// The Redis-backed cache against the real Redis at 127.0.0.1:6379, under a key prefix unique to this run.
import { Redis } from 'ioredis';
import { RedisCache } from '../../../src/cache/RedisCache.js';
import { EntityCache } from '../../../src/cache/EntityCache.js';
import { createCache } from '../../../src/cache/createCache.js';
import { cacheKey } from '../../../src/cache/cacheKey.js';
import { readCacheStats } from '../../../src/cache/cacheStats.js';
import type { KeyValueCache } from '../../../src/cache/KeyValueCache.js';
import {
  monitorCommands,
  readyRedisCache,
  redisNamespace,
  requireRedis,
  sharedRedisUrl,
  type CommandLog,
} from '../../helpers/redis.js';
import { waitFor } from '../../helpers/waitFor.js';

const url = sharedRedisUrl;
const namespace = redisNamespace('cache');
const prefix = namespace.prefix;

let admin: Redis;
let log: CommandLog;
const caches: KeyValueCache[] = [];

async function open(): Promise<RedisCache> {
  // A 5 s command timeout: these tests check which commands are sent, and the production 200 ms would turn a loaded
  // machine's stall (MONITOR on, other suites running) into a timed-out command that was still sent.
  const cache = await readyRedisCache({ url, keyPrefix: prefix, commandTimeoutMs: 5000 });
  caches.push(cache);
  return cache;
}

/** Commands this run sent during `action`, in order. */
const commandsAfter = (cache: KeyValueCache, action: () => Promise<unknown>) => log.during(cache, action);

beforeAll(async () => {
  await requireRedis(url);
  admin = new Redis(url);
  log = await monitorCommands(new Redis(url), prefix);
});

afterAll(async () => {
  await Promise.all(caches.map((cache) => cache.close()));
  if (!admin) return; // Redis was not reachable: nothing was written
  // Leave nothing behind in the shared Redis.
  await namespace.deleteKeys();
  log.stop();
  await admin.quit();
});

describe('RedisCache on a real Redis', () => {
  it('stores large values (written as bytes) exactly, multi-byte characters and surrogate pairs included', async () => {
    const cache = await open();
    const large = `${'{"name":"é€😀\\u0000"}'.repeat(200)}\n${'x'.repeat(5000)}`;
    const small = 'é€😀';
    expect(large.length).toBeGreaterThan(1024);
    await cache.set('large', large, 60);
    await cache.setMany([
      { key: 'large-many', value: large, ttlSeconds: 60 },
      { key: 'small-many', value: small, ttlSeconds: 60 },
    ]);
    expect(await cache.get('large')).toBe(large);
    expect(await cache.getMany(['large-many', 'small-many'])).toEqual([large, small]);
    expect((await admin.getBuffer(`${prefix}large`))?.equals(Buffer.from(large, 'utf8'))).toBe(true);
    expect(await admin.pttl(`${prefix}large-many`)).toBeGreaterThan(50_000);
  });

  it('sets and gets under the key prefix, counting hits and misses', async () => {
    const cache = await open();
    await cache.set('greeting', 'hello', 60);
    expect(await cache.get('greeting')).toBe('hello');
    expect(await cache.get('absent')).toBeUndefined();
    expect(await admin.get(`${prefix}greeting`)).toBe('hello');
    expect(readCacheStats(cache)).toEqual({ hits: 1, misses: 1, errors: 0, sets: 1, deletes: 0 });
    expect(cache.kind).toBe('redis');
  });

  it('reads a batch with exactly one MGET, values in key order', async () => {
    const cache = await open();
    const keys = Array.from({ length: 10 }, (_, i) => cacheKey({ namespace: 'run', id: `r${i}` }));
    await cache.setMany(keys.filter((_, i) => i % 2 === 0).map((key) => ({ key, value: `v:${key}`, ttlSeconds: 60 })));
    let values: (string | undefined)[] = [];
    let stats = readCacheStats(cache);
    const sent = await commandsAfter(cache, async () => {
      values = await cache.getMany(keys);
      stats = readCacheStats(cache);
    });
    expect(values).toEqual(keys.map((key, i) => (i % 2 === 0 ? `v:${key}` : undefined)));
    expect(sent).toEqual([['mget', ...keys.map((key) => prefix + key)]]);
    expect(stats).toMatchObject({ hits: 5, misses: 5, errors: 0 });
  });

  it('writes a batch with SET … PX per entry and no reads', async () => {
    const cache = await open();
    const entries = ['a', 'b', 'c'].map((id) => ({ key: `batch:${id}`, value: id, ttlSeconds: 30 }));
    const sent = await commandsAfter(cache, () => cache.setMany(entries));
    expect(sent).toEqual(entries.map((e) => ['set', prefix + e.key, e.value, 'PX', '30000']));
    expect(await cache.getMany(entries.map((e) => e.key))).toEqual(['a', 'b', 'c']);
    expect(cache.stats.sets).toBe(3);
  });

  it('honours TTLs (sub-second included)', async () => {
    const cache = await open();
    await cache.set('brief', 'x', 0.2);
    await cache.set('lasting', 'y', 60);
    const pttl = await admin.pttl(`${prefix}brief`);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(200);
    expect(await cache.get('brief')).toBe('x');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await cache.getMany(['brief', 'lasting'])).toEqual([undefined, 'y']);
  });

  it('deletes keys with one DEL', async () => {
    const cache = await open();
    await cache.setMany([
      { key: 'd1', value: '1', ttlSeconds: 60 },
      { key: 'd2', value: '2', ttlSeconds: 60 },
      { key: 'd3', value: '3', ttlSeconds: 60 },
    ]);
    const sent = await commandsAfter(cache, () => cache.delete(['d1', 'd2']));
    expect(sent).toEqual([['del', `${prefix}d1`, `${prefix}d2`]]);
    expect(await cache.getMany(['d1', 'd2', 'd3'])).toEqual([undefined, undefined, '3']);
    expect(cache.stats.deletes).toBe(2);
  });

  it('lets two instances see each other’s writes and invalidations', async () => {
    const gatewayA = new EntityCache(await open());
    const gatewayB = new EntityCache(await open());
    await gatewayA.setMany('experiment', [{ id: '7', value: { name: 'churn', lifecycle_stage: 'active' } }]);
    expect(await gatewayB.getMany('experiment', ['7'])).toEqual([{ name: 'churn', lifecycle_stage: 'active' }]);
    // B performs a mutation and invalidates; A must miss and refetch rather than serve the old name.
    await gatewayB.invalidate('experiment', ['7']);
    expect(await gatewayA.getMany('experiment', ['7'])).toEqual([undefined]);
  });

  it('is what createCache builds when given a URL', async () => {
    const cache = createCache({ redisUrl: url, keyPrefix: prefix, commandTimeoutMs: 500 });
    caches.push(cache);
    expect(cache.kind).toBe('redis');
    await waitFor(() => cache.isHealthy(), 5000);
    await cache.set('from-factory', 'ok', 60);
    expect(await admin.get(`${prefix}from-factory`)).toBe('ok');
  });

  it('becomes a miss-only, never-failing cache after close', async () => {
    const cache = await open();
    await cache.set('before-close', 'v', 60);
    await cache.close();
    expect(cache.isHealthy()).toBe(false);
    expect(await cache.get('before-close')).toBeUndefined();
    await expect(cache.set('after-close', 'v', 60)).resolves.toBeUndefined();
    expect(await admin.exists(`${prefix}after-close`)).toBe(0);
    await cache.close(); // idempotent
  });

  it('refuses a key prefix that would become the hash tag', () => {
    expect(() => new RedisCache({ url, keyPrefix: '{tenant}:' })).toThrow(
      'expected keyPrefix without "{" or "}", got "{tenant}:"',
    );
  });
});
