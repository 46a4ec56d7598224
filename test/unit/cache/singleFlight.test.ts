import { createSingleFlight } from '../../../src/cache/singleFlight.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('createSingleFlight', () => {
  it('runs fn once for N concurrent calls with the same key, and every caller gets its value', async () => {
    const flight = createSingleFlight<string>();
    const gate = deferred<string>();
    const calls: string[] = [];
    const fn = () => {
      calls.push('run-1');
      return gate.promise;
    };
    const waiters = Array.from({ length: 10 }, () => flight.run('run-1', fn));
    expect(flight.size).toBe(1);
    gate.resolve('payload');
    expect(await Promise.all(waiters)).toEqual(Array(10).fill('payload'));
    expect(calls).toEqual(['run-1']);
    expect(flight.size).toBe(0);
  });

  it('keeps different keys apart', async () => {
    const flight = createSingleFlight<string>();
    const calls: string[] = [];
    const results = await Promise.all(
      ['a', 'b', 'a', 'b', 'c'].map((key) =>
        flight.run(key, async () => {
          calls.push(key);
          return key.toUpperCase();
        }),
      ),
    );
    expect(results).toEqual(['A', 'B', 'A', 'B', 'C']);
    expect(calls.sort()).toEqual(['a', 'b', 'c']);
  });

  it('delivers one error to every waiter, then forgets it so a later call runs again', async () => {
    const flight = createSingleFlight<number>();
    const gate = deferred<number>();
    let calls = 0;
    const failing = () => {
      calls += 1;
      return gate.promise;
    };
    const waiters = Array.from({ length: 5 }, () => flight.run('k', failing));
    const boom = new Error('upstream down');
    gate.reject(boom);
    const outcomes = await Promise.allSettled(waiters);
    expect(outcomes).toEqual(Array(5).fill({ status: 'rejected', reason: boom }));
    expect(calls).toBe(1);
    expect(flight.size).toBe(0);

    expect(await flight.run('k', async () => 7)).toBe(7);
  });

  it('runs again after a success has settled (it is not a cache)', async () => {
    const flight = createSingleFlight<number>();
    let calls = 0;
    const fn = async () => ++calls;
    expect(await flight.run('k', fn)).toBe(1);
    expect(await flight.run('k', fn)).toBe(2);
  });

  it('turns a synchronous throw into a rejection shared by concurrent callers', async () => {
    const flight = createSingleFlight<number>();
    const boom = new Error('sync');
    const first = flight.run('k', () => {
      throw boom;
    });
    const second = flight.run('k', async () => 1);
    await expect(first).rejects.toBe(boom);
    await expect(second).rejects.toBe(boom);
    await Promise.resolve();
    expect(flight.size).toBe(0);
  });
});

describe('SingleFlight.runMany', () => {
  /** A fetchMissing that records each batch and resolves when told, with `<key>!` for each key. */
  function recordingBatches() {
    const batches: string[][] = [];
    const gates: ReturnType<typeof deferred<string[]>>[] = [];
    const fetchMissing = (missing: readonly string[]) => {
      batches.push([...missing]);
      const gate = deferred<string[]>();
      gates.push(gate);
      return gate.promise;
    };
    const release = (index: number) => gates[index]?.resolve((batches[index] ?? []).map((key) => `${key}!`));
    return { batches, gates, fetchMissing, release };
  }

  it('fetches the missing keys in one call and answers in item order', async () => {
    const flight = createSingleFlight<string>();
    const { batches, fetchMissing, release } = recordingBatches();
    const batch = flight.runMany(['a', 'b', 'c'], (id) => id, fetchMissing);
    expect(batch.started).toEqual(['a', 'b', 'c']);
    expect(flight.size).toBe(3);
    release(0);
    expect(await Promise.all(batch.results)).toEqual(['a!', 'b!', 'c!']);
    expect(batches).toEqual([['a', 'b', 'c']]);
    expect(flight.size).toBe(0);
  });

  it('joins keys already in flight and fetches only the rest; a duplicate key is fetched once', async () => {
    const flight = createSingleFlight<string>();
    const { batches, fetchMissing, release } = recordingBatches();
    const first = flight.runMany(['a', 'b'], (id) => id, fetchMissing);
    const second = flight.runMany(['b', 'c', 'c', 'a'], (id) => id, fetchMissing);
    expect(batches).toEqual([['a', 'b'], ['c']]);
    expect(second.started).toEqual(['c']);
    release(1);
    release(0);
    expect(await Promise.all(first.results)).toEqual(['a!', 'b!']);
    expect(await Promise.all(second.results)).toEqual(['b!', 'c!', 'c!', 'a!']);
  });

  it('keys items by keyOf, and hands fetchMissing the items themselves', async () => {
    const flight = createSingleFlight<number>();
    const seen: (readonly { id: string; caller: string }[])[] = [];
    const items = [
      { id: '1', caller: 'alice' },
      { id: '1', caller: 'bob' },
    ];
    const batch = flight.runMany(
      items,
      (item) => `${item.caller}\u0000${item.id}`,
      async (missing) => {
        seen.push(missing);
        return missing.map((item) => item.caller.length);
      },
    );
    expect(await Promise.all(batch.results)).toEqual([5, 3]);
    expect(seen).toEqual([items]);
  });

  it('shares keys with run, both ways', async () => {
    const flight = createSingleFlight<string>();
    const gate = deferred<string>();
    const single = flight.run('a', () => gate.promise);
    const { batches, fetchMissing, release } = recordingBatches();
    const batch = flight.runMany(['a', 'b'], (id) => id, fetchMissing);
    expect(batches).toEqual([['b']]);
    let runs = 0;
    const joined = flight.run('b', async () => `${++runs}`);
    gate.resolve('from run');
    release(0);
    expect(await Promise.all(batch.results)).toEqual(['from run', 'b!']);
    expect(await single).toBe('from run');
    expect(await joined).toBe('b!');
    expect(runs).toBe(0);
  });

  it("rejects every item of a failed call with its error, joiners' too, then forgets the keys", async () => {
    const flight = createSingleFlight<string>();
    const { gates, fetchMissing } = recordingBatches();
    const first = flight.runMany(['a', 'b'], (id) => id, fetchMissing);
    const second = flight.runMany(['b'], (id) => id, fetchMissing);
    const boom = new Error('upstream down');
    gates[0]?.reject(boom);
    const outcomes = await Promise.allSettled([...first.results, ...second.results]);
    expect(outcomes).toEqual(Array(3).fill({ status: 'rejected', reason: boom }));
    expect(flight.size).toBe(0);
    const again = flight.runMany(
      ['a'],
      (id) => id,
      async (missing) => missing.map(() => 'fresh'),
    );
    expect(again.started).toEqual(['a']);
    expect(await Promise.all(again.results)).toEqual(['fresh']);
  });

  it('delivers a synchronous throw of fetchMissing as a rejection of each item', async () => {
    const flight = createSingleFlight<string>();
    const boom = new Error('sync');
    const batch = flight.runMany(
      ['a', 'b'],
      (id) => id,
      () => {
        throw boom;
      },
    );
    expect(await Promise.allSettled(batch.results)).toEqual(Array(2).fill({ status: 'rejected', reason: boom }));
    expect(flight.size).toBe(0);
  });

  it('starts nothing when every key is in flight', async () => {
    const flight = createSingleFlight<string>();
    const { batches, fetchMissing, release } = recordingBatches();
    const first = flight.runMany(['a'], (id) => id, fetchMissing);
    const second = flight.runMany(['a', 'a'], (id) => id, fetchMissing);
    expect(second.started).toEqual([]);
    expect(batches).toEqual([['a']]);
    release(0);
    expect(await Promise.all([...first.results, ...second.results])).toEqual(['a!', 'a!', 'a!']);
  });
});

describe('SingleFlight.forget', () => {
  it('makes the next caller start afresh while the old call still runs, and the old one cannot drop the new', async () => {
    const flight = createSingleFlight<string>();
    const old = deferred<string>();
    const fresh = deferred<string>();
    const before = flight.run('k', () => old.promise);
    flight.forget('k');
    expect(flight.size).toBe(0);
    const after = flight.run('k', () => fresh.promise);
    old.resolve('before the change');
    expect(await before).toBe('before the change');
    // The old call settled; the new one is still in flight and still shared.
    expect(flight.size).toBe(1);
    expect(flight.run('k', async () => 'a third call')).toBe(after);
    fresh.resolve('after the change');
    expect(await after).toBe('after the change');
    expect(flight.size).toBe(0);
  });
});
