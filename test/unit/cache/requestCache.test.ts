// The request cache records what a whole answer was built from (its lifetime) and keeps whole answers per caller,
// stamped with every generation: the rules the gateway's response cache relies on.
import { deriveServerKeys } from '../../../src/auth/serverKeys.js';
import { AnswerLifetime } from '../../../src/cache/AnswerLifetime.js';
import { cachePolicy } from '../../../src/cache/cachePolicy.js';
import { EntityCache } from '../../../src/cache/EntityCache.js';
import { MemoryCache } from '../../../src/cache/MemoryCache.js';
import { requestCache } from '../../../src/cache/requestCache.js';
import { createSingleFlight } from '../../../src/cache/singleFlight.js';

const keys = deriveServerKeys('k'.repeat(40));
const ttls = { runFinished: 300, runActive: 5, permission: 10, searchPage: 30, response: 60 };

/** A clock that moves only when a test moves it: lifetimes are compared exactly. */
let now = 1_700_000_000_000;

function requestOf(shared: EntityCache, identity: string) {
  return requestCache({
    cache: shared,
    singleFlight: createSingleFlight(),
    keys,
    identity,
    cacheSharing: async () => ({ mode: 'shared' }),
    lifetime: new AnswerLifetime(() => now),
  });
}

describe('requestCache: what an answer was built from', () => {
  const shared = () => new EntityCache(new MemoryCache(), { ttls });

  it('is as short-lived as its most volatile entity (a running run), cached or fetched', async () => {
    const cache = shared();
    const runTtl = (run: { status: string }) => (run.status === 'RUNNING' ? ttls.runActive : ttls.runFinished);
    const first = requestOf(cache, 'credential:a');
    await first.load('run', ['r1', 'r2'], async () => [{ status: 'FINISHED' }, { status: 'RUNNING' }], runTtl);
    expect(first.lifetime.seconds(ttls.response)).toBe(ttls.runActive);
    // The next request reads both from the cache: the same bound.
    const second = requestOf(cache, 'credential:a');
    await second.load('run', ['r1', 'r2'], async () => [new Error('not called')], runTtl);
    expect(second.lifetime.seconds(ttls.response)).toBe(ttls.runActive);
    // Only finished runs: the longest a finished run lives, capped by CACHE_TTL_RESPONSE.
    const third = requestOf(cache, 'credential:a');
    await third.load('run', ['r1'], async () => [new Error('not called')], runTtl);
    expect(third.lifetime.seconds(ttls.response)).toBe(ttls.response);
  });

  it('keeps no answer that holds an object it could not read, and a missing one only as long as a search page', async () => {
    const failed = requestOf(shared(), 'credential:a');
    await failed.load(
      'run',
      ['r1'],
      async () => [new Error('upstream down')],
      () => 300,
    );
    expect(failed.lifetime.seconds(60)).toBe(0);
    const missing = requestOf(shared(), 'credential:a');
    await missing.load(
      'run',
      ['r1'],
      async () => [null],
      () => 300,
    );
    expect(missing.lifetime.seconds(60)).toBe(ttls.searchPage);
  });

  it('bounds an answer by a permission answer from when it was fetched, and drops that answer after a grant', async () => {
    const cache = shared();
    const caller = requestOf(cache, 'credential:bob');
    let fetched = 0;
    const profile = async () => ({ fetched: ++fetched });
    await caller.forCaller(cachePolicy.permission.namespace, 'basicAuthProfile', profile, ttls.permission);
    expect(caller.lifetime.seconds(60)).toBe(ttls.permission);
    // 8 s later another request reads it from the cache: an answer built now may live the 2 s it has left.
    now += 8_000;
    const again = requestOf(cache, 'credential:bob');
    expect(
      await again.forCaller(cachePolicy.permission.namespace, 'basicAuthProfile', profile, ttls.permission),
    ).toEqual({ fetched: 1 });
    expect(again.lifetime.seconds(60)).toBe(2);
    // Someone's grant changed (through this layer): every caller's kept permission answers are stale.
    await requestOf(cache, 'credential:admin').bump('permissions');
    const after = requestOf(cache, 'credential:bob');
    expect(
      await after.forCaller(cachePolicy.permission.namespace, 'basicAuthProfile', profile, ttls.permission),
    ).toEqual({ fetched: 2 });
  });

  it('serves a search page again only until a write of its kind or a grant', async () => {
    const cache = shared();
    let fetched = 0;
    const page = () =>
      requestOf(cache, 'credential:bob').page('experiments', { max_results: 10 }, async () => ++fetched);
    expect([await page(), await page()]).toEqual([1, 1]);
    await requestOf(cache, 'credential:admin').bump('permissions');
    expect(await page()).toBe(2);
    await requestOf(cache, 'credential:admin').bump('experiments');
    expect(await page()).toBe(3);
  });
});

describe('requestCache: whole answers', () => {
  it('keeps an answer for its caller only (an anonymous caller is a caller of its own)', async () => {
    const cache = new EntityCache(new MemoryCache(), { ttls });
    const bob = requestOf(cache, 'credential:Basic Ym9iOnB3');
    expect(await bob.answers.read('q1')).toBeUndefined();
    await bob.answers.write('q1', '{"data":{"secret":1}}', 60);
    expect(await requestOf(cache, 'credential:Basic Ym9iOnB3').answers.read('q1')).toBe('{"data":{"secret":1}}');
    for (const other of ['credential:Basic Y2Fyb2w6cHc=', 'credential:Basic Ym9iOndyb25n', 'anonymous'])
      expect([other, await requestOf(cache, other).answers.read('q1')]).toEqual([other, undefined]);
  });

  it('serves no answer built before any write, grant or mutation, by anyone', async () => {
    const cache = new EntityCache(new MemoryCache(), { ttls });
    for (const kind of [
      'runs',
      'experiments',
      'registeredModels',
      'modelVersions',
      'permissions',
      'answers',
    ] as const) {
      const reader = requestOf(cache, 'credential:bob');
      await reader.answers.read('q1');
      await reader.answers.write('q1', '{"data":{}}', 60);
      expect(await requestOf(cache, 'credential:bob').answers.read('q1')).toBe('{"data":{}}');
      await requestOf(cache, 'credential:someone-else').bump(kind);
      expect([kind, await requestOf(cache, 'credential:bob').answers.read('q1')]).toEqual([kind, undefined]);
    }
  });

  it('stamps an answer with the generations read before it was built: a write meanwhile makes it stale', async () => {
    const cache = new EntityCache(new MemoryCache(), { ttls });
    const reader = requestOf(cache, 'credential:bob');
    expect(await reader.answers.read('q1')).toBeUndefined();
    // While the reader executes, another caller writes.
    await requestOf(cache, 'credential:alice').bump('runs');
    await reader.answers.write('q1', '{"data":{"old":true}}', 60);
    expect(await requestOf(cache, 'credential:bob').answers.read('q1')).toBeUndefined();
  });

  it('refuses to keep an answer whose generations were not read first', async () => {
    const cache = new EntityCache(new MemoryCache(), { ttls });
    await expect(requestOf(cache, 'credential:bob').answers.write('q1', '{}', 60)).rejects.toThrow(
      /expected answers.read first/,
    );
  });
});
