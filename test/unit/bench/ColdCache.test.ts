// The cold variant's cache must miss as an empty cache does (each read sent, answered by a miss) while writes land,
// and with discardReads off be the cache underneath (the benchmark's cold check compares the two).
import { ColdCache } from '../../../bench/ColdCache.js';
import { MemoryCache } from '../../../src/cache/MemoryCache.js';

describe('ColdCache', () => {
  it('sends every read, for a key nothing writes, and answers a miss; writes go through', async () => {
    const inner = new MemoryCache();
    const reads: string[] = [];
    const getMany = inner.getMany.bind(inner);
    inner.getMany = async (keys) => {
      reads.push(...keys);
      const values = await getMany(keys);
      expect(values.every((value) => value === undefined)).toBe(true);
      return values;
    };
    const get = inner.get.bind(inner);
    inner.get = async (key) => {
      reads.push(key);
      const value = await get(key);
      expect(value).toBeUndefined();
      return value;
    };
    const cold = new ColdCache(inner);
    await cold.setMany([{ key: 'a', value: '1', ttlSeconds: 60 }]);
    await cold.set('b', '2', 60);
    expect(await cold.getMany(['a', 'b'])).toEqual([undefined, undefined]);
    expect(await cold.get('a')).toBeUndefined();
    expect(reads).toHaveLength(3);
    expect(reads).not.toContain('a');
    expect(await get('a')).toBe('1');

    cold.discardReads = false;
    inner.getMany = getMany;
    inner.get = get;
    expect(await cold.getMany(['a', 'b'])).toEqual(['1', '2']);
    expect(await cold.get('b')).toBe('2');
  });
});
