import { jest } from '@jest/globals';
import { AdmissionQueue, AdmissionRefusedError } from '../../../src/gateway/AdmissionQueue.js';

const options = { slots: 4, maxQueued: 2, maxWaitMs: 1_000, costPerSlot: 100 };

/** Resolves to what the promise settled as, after pending microtasks ran (no timers). */
async function state(promise: Promise<unknown>): Promise<'pending' | 'granted' | string> {
  let result: string = 'pending';
  promise.then(
    () => (result = 'granted'),
    (error: unknown) => (result = error instanceof AdmissionRefusedError ? error.reason : String(error)),
  );
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
  return result;
}

describe('AdmissionQueue', () => {
  afterEach(() => jest.useRealTimers());

  it('weighs an operation by its estimated cost: at least one slot, at most all of them', () => {
    const queue = new AdmissionQueue(options);
    expect(queue.weightOf(0)).toBe(1);
    expect(queue.weightOf(100)).toBe(1);
    expect(queue.weightOf(101)).toBe(2);
    expect(queue.weightOf(1_000_000)).toBe(4);
  });

  it('admits while the slots last, queues the rest in arrival order, refuses past the queue', async () => {
    const queue = new AdmissionQueue(options);
    const release = await queue.acquire(3);
    expect(queue.stats.inUse).toBe(3);
    const heavy = queue.acquire(2);
    // One slot is free, but the heavy operation came first: the light one waits behind it (no starvation).
    const light = queue.acquire(1);
    expect(await state(heavy)).toBe('pending');
    expect(await state(light)).toBe('pending');
    expect(queue.stats.queued).toBe(2);
    await expect(queue.acquire(1)).rejects.toMatchObject({ reason: 'queueFull' });
    expect(queue.stats.refused.queueFull).toBe(1);
    release();
    release(); // a second call changes nothing
    expect(await state(heavy)).toBe('granted');
    expect(await state(light)).toBe('granted');
    expect(queue.stats).toMatchObject({ inUse: 3, queued: 0 });
  });

  it('refuses an operation that waited longer than maxWaitMs, and lets the ones behind it move up', async () => {
    jest.useFakeTimers();
    const queue = new AdmissionQueue(options);
    const release = await queue.acquire(4);
    const waiting = queue.acquire(4);
    jest.advanceTimersByTime(999);
    expect(await state(waiting)).toBe('pending');
    jest.advanceTimersByTime(1);
    expect(await state(waiting)).toBe('queueTimeout');
    expect(queue.stats).toMatchObject({ inUse: 4, queued: 0, refused: { queueTimeout: 1 } });
    release();
    expect(queue.stats.inUse).toBe(0);
  });

  it('withdraws a waiting operation when its signal aborts, admitting lighter ones it was holding back', async () => {
    const queue = new AdmissionQueue(options);
    await queue.acquire(3);
    const controller = new AbortController();
    const heavy = queue.acquire(4, controller.signal);
    const light = queue.acquire(1);
    expect(await state(light)).toBe('pending');
    controller.abort();
    expect(await state(heavy)).toBe('withdrawn');
    expect(await state(light)).toBe('granted');
    expect(queue.stats).toMatchObject({ inUse: 4, queued: 0 });
  });

  it('refuses settings that would admit nothing', () => {
    expect(() => new AdmissionQueue({ ...options, slots: 0 })).toThrow('expected slots to be a positive integer');
    expect(() => new AdmissionQueue({ ...options, costPerSlot: 0.5 })).toThrow(TypeError);
    expect(new AdmissionQueue({ ...options, maxQueued: 0 }).options.maxQueued).toBe(0);
  });
});
