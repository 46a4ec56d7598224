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
