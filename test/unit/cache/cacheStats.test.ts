import { createCacheStats, readCacheStats, recordUndecodableHit } from '../../../src/cache/cacheStats.js';
import { createCache } from '../../../src/cache/createCache.js';

describe('cacheStats', () => {
  it('gives a frozen snapshot that later activity does not change', async () => {
    const cache = createCache();
    await cache.set('k', 'v', 60);
    const snapshot = readCacheStats(cache);
    await cache.get('k');
    expect(snapshot).toEqual({ hits: 0, misses: 0, errors: 0, sets: 1, deletes: 0 });
    expect(Object.isFrozen(snapshot)).toBe(true);
    expect(readCacheStats(cache).hits).toBe(1);
  });

  it('reclassifies an undecodable hit as a miss plus an error', () => {
    const stats = { ...createCacheStats(), hits: 3 };
    recordUndecodableHit(stats);
    expect(stats).toEqual({ hits: 2, misses: 1, errors: 1, sets: 0, deletes: 0 });
  });
});

describe('createCache', () => {
  it('chooses the in-memory cache when no Redis URL is configured', async () => {
    expect(createCache().kind).toBe('memory');
    expect(createCache({ redisUrl: '' }).kind).toBe('memory');
    const bounded = createCache({ memoryMaxEntries: 1 });
    await bounded.setMany([
      { key: 'a', value: '1', ttlSeconds: 60 },
      { key: 'b', value: '2', ttlSeconds: 60 },
    ]);
    expect(await bounded.getMany(['a', 'b'])).toEqual([undefined, '2']);
  });
});
