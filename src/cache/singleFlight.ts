/** Deduplicates concurrent work by key within this process. */
export interface SingleFlight<T> {
  /**
   * Runs `fn` unless a call with the same key is already in flight, in which case the caller shares that call's
   * promise (its value, or its error). The key must capture everything the result depends on, including the
   * principal when the result differs per caller, because waiters from different requests share it.
   */
  run(key: string, fn: () => Promise<T>): Promise<T>;
  /** Number of keys currently in flight. */
  readonly size: number;
}

/**
 * A process-wide "single flight": N requests missing the cache for the same object at once cause one upstream
 * call, not N. The entry is dropped as soon as the call settles, so nothing is cached here (that is the shared
 * cache's job) and a failure is never replayed to a later caller.
 */
export function createSingleFlight<T>(): SingleFlight<T> {
  const inFlight = new Map<string, Promise<T>>();
  return {
    run(key, fn) {
      const existing = inFlight.get(key);
      if (existing) return existing;
      let call: Promise<T>;
      try {
        call = Promise.resolve(fn());
      } catch (error) {
        // A synchronous throw is delivered like a rejection, so every waiter sees the same shape of failure.
        call = Promise.reject(error);
      }
      inFlight.set(key, call);
      const forget = (): void => {
        if (inFlight.get(key) === call) inFlight.delete(key);
      };
      // Two-armed `then` rather than `finally`: a `finally` chain would be a second promise whose rejection
      // nobody handles. Waiters receive `call` itself and handle its rejection.
      call.then(forget, forget);
      return call;
    },
    get size() {
      return inFlight.size;
    },
  };
}
