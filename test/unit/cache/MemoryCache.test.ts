import { MemoryCache } from '../../../src/cache/MemoryCache.js';
import { readCacheStats } from '../../../src/cache/cacheStats.js';

describe('MemoryCache', () => {
  it('returns what was set and counts hits, misses and sets', async () => {
    const cache = new MemoryCache();
    await cache.set('a', 'alpha', 60);
    expect(await cache.get('a')).toBe('alpha');
    expect(await cache.get('b')).toBeUndefined();
    expect(readCacheStats(cache)).toEqual({ hits: 1, misses: 1, errors: 0, sets: 1, deletes: 0 });
    expect(cache.kind).toBe('memory');
    expect(cache.isHealthy()).toBe(true);
  });

  it('answers getMany in key order, with undefined for misses', async () => {
    const cache = new MemoryCache();
    await cache.setMany([
      { key: 'k1', value: 'one', ttlSeconds: 60 },
      { key: 'k3', value: 'three', ttlSeconds: 60 },
    ]);
    expect(await cache.getMany(['k3', 'k2', 'k1', 'k3'])).toEqual(['three', undefined, 'one', 'three']);
    expect(cache.stats).toMatchObject({ hits: 3, misses: 1, sets: 2 });
  });

  it('expires entries after their TTL (injected clock, no sleeping)', async () => {
    let now = 1_000_000;
    const cache = new MemoryCache({ now: () => now });
    await cache.set('short', 's', 1);
    await cache.set('long', 'l', 10);
    now += 999;
    expect(await cache.get('short')).toBe('s');
    now += 2;
    expect(await cache.get('short')).toBeUndefined();
    expect(await cache.get('long')).toBe('l');
    now += 9_000;
    expect(await cache.get('long')).toBeUndefined();
  });

  it('honours sub-second TTLs in real time', async () => {
    const cache = new MemoryCache();
    await cache.set('k', 'v', 0.05);
    expect(await cache.get('k')).toBe('v');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await cache.get('k')).toBeUndefined();
  });

  it('stores nothing for a non-positive or non-finite TTL', async () => {
    const cache = new MemoryCache();
    await cache.set('zero', 'v', 0);
    await cache.set('negative', 'v', -5);
    await cache.set('nan', 'v', Number.NaN);
    expect(await cache.getMany(['zero', 'negative', 'nan'])).toEqual([undefined, undefined, undefined]);
    expect(cache.stats.sets).toBe(0);
  });

  it('evicts the least recently used entry past maxEntries', async () => {
    const cache = new MemoryCache({ maxEntries: 3 });
    await cache.set('a', '1', 60);
    await cache.set('b', '2', 60);
    await cache.set('c', '3', 60);
    await cache.get('a'); // 'a' is now more recent than 'b'
    await cache.set('d', '4', 60);
    expect(cache.size).toBe(3);
    expect(await cache.getMany(['a', 'b', 'c', 'd'])).toEqual(['1', undefined, '3', '4']);
  });

  it('evicts by size and refuses an entry larger than the whole budget', async () => {
    // Size is (key + value) UTF-16 code units × 2 bytes: 'kN' + 48 chars = 100 bytes per entry.
    const cache = new MemoryCache({ maxEntries: 1000, maxSizeBytes: 250 });
    const value = 'x'.repeat(48);
    await cache.set('k1', value, 60);
    await cache.set('k2', value, 60);
    await cache.set('k3', value, 60);
    expect(cache.size).toBe(2);
    expect(await cache.get('k1')).toBeUndefined();
    await cache.set('huge', 'y'.repeat(200), 60);
    expect(await cache.get('huge')).toBeUndefined();
    expect(cache.stats.sets).toBe(3);
  });

  it('deletes keys', async () => {
    const cache = new MemoryCache();
    await cache.setMany([
      { key: 'a', value: '1', ttlSeconds: 60 },
      { key: 'b', value: '2', ttlSeconds: 60 },
    ]);
    await cache.delete(['a', 'missing']);
    expect(await cache.getMany(['a', 'b'])).toEqual([undefined, '2']);
    expect(cache.stats.deletes).toBe(2);
  });

  it('rejects nonsensical bounds with a message naming what was expected', () => {
    expect(() => new MemoryCache({ maxEntries: 0 })).toThrow('expected maxEntries to be a positive integer, got 0');
    expect(() => new MemoryCache({ maxSizeBytes: 1.5 })).toThrow(
      'expected maxSizeBytes to be a positive integer, got 1.5',
    );
  });
});
