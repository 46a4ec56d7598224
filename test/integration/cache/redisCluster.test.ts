// The cache against a real Redis Cluster (one node owning all 16384 slots, started here): multi-key commands
// must never cross a slot, and a batch within one namespace must still be a single MGET.
import { Redis } from 'ioredis';
import { RedisCache } from '../../../src/cache/RedisCache.js';
import { EntityCache } from '../../../src/cache/EntityCache.js';
import { cacheKey } from '../../../src/cache/cacheKey.js';
import { keySlot } from '../../../src/cache/keySlot.js';
import { monitorCommands, readyRedisCache, type CommandLog } from '../../helpers/redis.js';
import { startRedisServer, type RedisServer } from './redisServer.js';

let server: RedisServer;
let admin: Redis;
let log: CommandLog;
const caches: RedisCache[] = [];

async function open(url: string, options: { cluster?: boolean } = {}): Promise<RedisCache> {
  // These tests are about which commands are sent, not about timeouts: the production 200 ms command timeout would
  // count a stall of a loaded machine (MONITOR on, other suites running) as an error and fail the error-count checks.
  const cache = await readyRedisCache({ url, keyPrefix: 'c:', commandTimeoutMs: 5000, ...options });
  caches.push(cache);
  return cache;
}

/** Commands a cache sent during `action`, in order. */
const commandsDuring = (cache: RedisCache, action: () => Promise<unknown>) => log.during(cache, action);

beforeAll(async () => {
  server = await startRedisServer({ cluster: true });
  admin = new Redis(server.port, '127.0.0.1');
  log = await monitorCommands(new Redis(server.port, '127.0.0.1'), 'c:');
});

afterAll(async () => {
  await Promise.all(caches.map((cache) => cache.close()));
  log?.stop();
  admin?.disconnect();
  await server?.kill();
});

describe('RedisCache on Redis Cluster', () => {
  it('computes the same hash slots as the server', async () => {
    const keys = [
      'foo',
      'foo{}{bar}',
      '{user1000}.following',
      'é{ü}',
      `c:${cacheKey({ namespace: 'run', id: 'abc' })}`,
      `c:${cacheKey({ namespace: 'registeredModel', id: 'm{1}', scope: 'pXYZ' })}`,
    ];
    for (const key of keys) {
      expect([key, keySlot(key)]).toEqual([key, await admin.call('CLUSTER', 'KEYSLOT', key)]);
    }
  });

  it('reads one namespace’s batch with a single MGET', async () => {
    const entities = new EntityCache(await open(`redis+cluster://127.0.0.1:${server.port}`));
    const ids = Array.from({ length: 50 }, (_, i) => `run-${i}`);
    await entities.setMany(
      'run',
      ids.map((id) => ({ id, value: { id } })),
    );
    let found: unknown[] = [];
    const sent = await commandsDuring(entities.kv as RedisCache, async () => {
      found = await entities.getMany('run', ids);
    });
    expect(found).toEqual(ids.map((id) => ({ id })));
    expect(sent.map(([name]) => name)).toEqual(['mget']);
  });

  it('splits a cross-namespace batch into one MGET per slot instead of failing with CROSSSLOT', async () => {
    const cache = await open(`redis://127.0.0.1:${server.port}`, { cluster: true });
    const keys = ['run', 'experiment', 'run', 'modelVersion', 'experiment'].map((namespace, i) =>
      cacheKey({ namespace, id: String(i) }),
    );
    const setSent = await commandsDuring(cache, () =>
      cache.setMany(keys.map((key) => ({ key, value: `v:${key}`, ttlSeconds: 60 }))),
    );
    expect(setSent.filter(([name]) => name === 'set')).toHaveLength(5);

    let values: (string | undefined)[] = [];
    const getSent = await commandsDuring(cache, async () => {
      values = await cache.getMany(keys);
    });
    expect(values).toEqual(keys.map((key) => `v:${key}`));
    expect(getSent.map(([name]) => name)).toEqual(['mget', 'mget', 'mget']);
    expect(cache.stats.errors).toBe(0);

    const deleteSent = await commandsDuring(cache, () => cache.delete(keys));
    expect(deleteSent.map(([name]) => name)).toEqual(['del', 'del', 'del']);
    expect(await cache.getMany(keys)).toEqual(keys.map(() => undefined));
    expect(cache.stats.errors).toBe(0);
  });
});
