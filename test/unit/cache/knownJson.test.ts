// A value parsed from an upstream's text is cached as that text (not stringified again), once; anything else, or the
// same value written again, is stringified as before.
import { EntityCache } from '../../../src/cache/EntityCache.js';
import { rememberJson, takeJson } from '../../../src/cache/knownJson.js';
import { MemoryCache } from '../../../src/cache/MemoryCache.js';
import { cacheKey } from '../../../src/cache/cacheKey.js';

describe('knownJson', () => {
  it('hands a remembered text out once', () => {
    const value = { runs: [] };
    rememberJson(value, '{"runs": []}');
    expect(takeJson(value)).toBe('{"runs": []}');
    expect(takeJson(value)).toBeUndefined();
    expect(takeJson({ runs: [] })).toBeUndefined();
  });

  it('ignores primitives', () => {
    rememberJson('text', '"text"');
    expect(takeJson('text')).toBeUndefined();
  });

  it('is what EntityCache stores for a remembered value, and stringifies otherwise', async () => {
    const kv = new MemoryCache();
    const cache = new EntityCache(kv);
    const text = '{ "runs" : [ {"id": "a"} ] }';
    const value = JSON.parse(text) as { runs: { id: string }[] };
    rememberJson(value, text);
    await cache.setMany('searchPage', [{ id: 'p1', value }], 'scope');
    const [stored] = await kv.getMany([cacheKey({ namespace: 'searchPage', id: 'p1', scope: 'scope' })]);
    expect(stored).toBe(text);
    expect(await cache.get('searchPage', 'p1', 'scope')).toEqual(value);
    await cache.setMany('searchPage', [{ id: 'p2', value }], 'scope');
    const [again] = await kv.getMany([cacheKey({ namespace: 'searchPage', id: 'p2', scope: 'scope' })]);
    expect(again).toBe(JSON.stringify(value));
  });
});
