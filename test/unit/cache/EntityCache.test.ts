import { EntityCache } from '../../../src/cache/EntityCache.js';
import { defaultTtls } from '../../../src/cache/cachePolicy.js';
import { MemoryCache } from '../../../src/cache/MemoryCache.js';
import { cacheKey, principalScope } from '../../../src/cache/cacheKey.js';
import { readCacheStats } from '../../../src/cache/cacheStats.js';
import type { KeyValueCache, KeyValueEntry } from '../../../src/cache/KeyValueCache.js';

interface RunPayload {
  info: { run_id: string; status: string; start_time: number };
  data: { params: { key: string; value: string }[] };
}

const run = (id: string): RunPayload => ({
  info: { run_id: id, status: 'FINISHED', start_time: 1_700_000_000_000 },
  data: { params: [{ key: 'lr', value: '0.01' }] },
});

/** Records every call made to the key-value layer, so tests assert on the cost as well as the answer. */
function recording(kv: KeyValueCache) {
  const sets: KeyValueEntry[][] = [];
  const gets: string[][] = [];
  const deletes: string[][] = [];
  const spy: KeyValueCache = {
    kind: kv.kind,
    stats: kv.stats,
    get: (key) => kv.get(key),
    getMany: (keys) => {
      gets.push([...keys]);
      return kv.getMany(keys);
    },
    set: (key, value, ttl) => kv.set(key, value, ttl),
    setIfAbsent: (key, value, ttl) => kv.setIfAbsent(key, value, ttl),
    setMany: (entries) => {
      sets.push([...entries]);
      return kv.setMany(entries);
    },
    delete: (keys) => {
      deletes.push([...keys]);
      return kv.delete(keys);
    },
    close: () => kv.close(),
    isHealthy: () => kv.isHealthy(),
  };
  return { spy, sets, gets, deletes };
}

describe('EntityCache', () => {
  it('round-trips JSON payloads in id order with one getMany and one setMany', async () => {
    const kv = recording(new MemoryCache());
    const cache = new EntityCache(kv.spy);
    await cache.setMany<RunPayload>('run', [
      { id: 'r1', value: run('r1'), ttlSeconds: cache.ttls.runFinished },
      { id: 'r2', value: run('r2') },
    ]);
    const found = await cache.getMany<RunPayload>('run', ['r2', 'missing', 'r1']);
    expect(found).toEqual([run('r2'), undefined, run('r1')]);
    expect(kv.sets).toHaveLength(1);
    expect(kv.gets).toEqual([['r2', 'missing', 'r1'].map((id) => cacheKey({ namespace: 'run', id }))]);
    expect(await cache.get<RunPayload>('run', 'r1')).toEqual(run('r1'));
  });

  it('preserves null and falsy values as hits (a cached "not found" is still an answer)', async () => {
    const cache = new EntityCache(new MemoryCache());
    await cache.setMany<unknown>('experiment', [
      { id: 'gone', value: null },
      { id: 'zero', value: 0 },
      { id: 'empty', value: '' },
    ]);
    expect(await cache.getMany('experiment', ['gone', 'zero', 'empty'])).toEqual([null, 0, '']);
  });

  it('treats a corrupt entry as a miss and counts it as an error, not a hit', async () => {
    const kv = new MemoryCache();
    const cache = new EntityCache(kv);
    await cache.setMany('run', [{ id: 'good', value: run('good') }]);
    await kv.set(cacheKey({ namespace: 'run', id: 'bad' }), '{"info": {"run_id": "bad"', 60);
    const before = readCacheStats(kv);
    const found = await cache.getMany<RunPayload>('run', ['bad', 'good']);
    expect(found).toEqual([undefined, run('good')]);
    const after = readCacheStats(kv);
    expect(after.hits - before.hits).toBe(1);
    expect(after.misses - before.misses).toBe(1);
    expect(after.errors - before.errors).toBe(1);
  });

  it("takes a namespace's TTL from its policy row: its one setting, or its fixed TTL; else the shortest", () => {
    const cache = new EntityCache(new MemoryCache(), { ttls: { experiment: 45 } });
    expect(cache.ttlFor('experimentByName')).toBe(45);
    expect(cache.ttlFor('gen')).toBe(7 * 24 * 3600);
    expect(cache.ttlFor('run')).toBe(5); // two settings: the state of the run decides, so the caller names one
    expect(cache.ttlFor('unknown')).toBe(5);
  });

  it('applies the TTL policy: explicit, then the namespace name, then the shortest', async () => {
    const kv = recording(new MemoryCache());
    const cache = new EntityCache(kv.spy, { ttls: { experiment: 45 } });
    await cache.setMany('experiment', [
      { id: 'e1', value: {} },
      { id: 'e2', value: {}, ttlSeconds: 2 },
    ]);
    await cache.setMany('permission', [{ id: 'r1', value: [] }]);
    await cache.setMany('run', [{ id: 'r1', value: {} }]);
    expect(kv.sets.flat().map((entry) => entry.ttlSeconds)).toEqual([45, 2, defaultTtls.permission, 5]);
    expect(cache.ttls).toEqual({ ...defaultTtls, experiment: 45 });
    expect(defaultTtls).toEqual({
      runFinished: 300,
      runActive: 5,
      metricHistoryFinished: 3600,
      metricHistoryActive: 5,
      experiment: 30,
      loggedModel: 30,
      evaluationDataset: 30,
      permission: 10,
      artifactListing: 30,
      searchPage: 5,
      trace: 10,
      response: 60,
    });
  });

  it('keeps scopes apart: one principal never reads another principal’s entry', async () => {
    const cache = new EntityCache(new MemoryCache());
    const alice = principalScope('alice-token', 'k'.repeat(32));
    const bob = principalScope('bob-token', 'k'.repeat(32));
    await cache.setMany('permission', [{ id: 'exp-1', value: 'CAN_MANAGE' }], alice);
    expect(await cache.getMany('permission', ['exp-1'], alice)).toEqual(['CAN_MANAGE']);
    expect(await cache.getMany('permission', ['exp-1'], bob)).toEqual([undefined]);
    expect(await cache.getMany('permission', ['exp-1'])).toEqual([undefined]);
  });

  it('invalidates entries with one delete', async () => {
    const kv = recording(new MemoryCache());
    const cache = new EntityCache(kv.spy);
    await cache.setMany('experiment', [
      { id: '1', value: { name: 'a' } },
      { id: '2', value: { name: 'b' } },
    ]);
    await cache.invalidate('experiment', ['1', '2']);
    expect(await cache.getMany('experiment', ['1', '2'])).toEqual([undefined, undefined]);
    expect(kv.deletes).toEqual([['1', '2'].map((id) => cacheKey({ namespace: 'experiment', id }))]);
  });

  it('skips values JSON cannot encode instead of failing the caller', async () => {
    const kv = new MemoryCache();
    const cache = new EntityCache(kv);
    await cache.setMany('run', [
      { id: 'big', value: { n: 1n } },
      { id: 'undef', value: undefined },
      { id: 'ok', value: { n: 1 } },
    ]);
    expect(await cache.getMany('run', ['big', 'undef', 'ok'])).toEqual([undefined, undefined, { n: 1 }]);
    expect(kv.stats.errors).toBe(1);
    expect(kv.stats.sets).toBe(1);
  });

  it('does not touch the backend for empty batches', async () => {
    const kv = recording(new MemoryCache());
    const cache = new EntityCache(kv.spy);
    expect(await cache.getMany('run', [])).toEqual([]);
    await cache.setMany('run', []);
    await cache.invalidate('run', []);
    expect([kv.gets, kv.sets, kv.deletes]).toEqual([[], [], []]);
  });

  it('rejects a nonsensical TTL policy', () => {
    expect(() => new EntityCache(new MemoryCache(), { ttls: { runActive: 0 } })).toThrow(
      'expected ttls.runActive to be a positive number of seconds, got 0',
    );
  });
});
