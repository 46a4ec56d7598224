/** What {@link SingleFlight.runMany} started and what each item waits for. */
export interface FlightBatch<I, T> {
  /** One promise per item, in item order: the item's value, or the rejection of the call that fetches it. */
  readonly results: Promise<T>[];
  /** The items this call fetched itself (each key once), in item order: only their results are the caller's to store. */
  readonly started: I[];
}

/** Deduplicates concurrent work by key within this process (or within whatever owns the instance). */
export interface SingleFlight<T> {
  /**
   * Runs `fn` unless a call with the same key is already in flight, in which case the caller shares that call's
   * promise (its value, or its error). The key must capture everything the result depends on, including the
   * principal when the result differs per caller, because waiters from different requests share it.
   */
  run(key: string, fn: () => Promise<T>): Promise<T>;
  /**
   * The batch form, for loaders: items whose key is in flight join that call; the others are fetched together by
   * one `fetchMissing` call, whose values come back in the order of the items it was given. If that call rejects,
   * each of its items' promises rejects with the same error (each waiter decides what to make of it, as with `run`).
   */
  runMany<I>(
    items: readonly I[],
    keyOf: (item: I) => string,
    fetchMissing: (missing: readonly I[]) => Promise<readonly T[]>,
  ): FlightBatch<I, T>;
  /**
   * Stops sharing a key's call: the next caller starts a new one (its result predates a change, such as the
   * caller's own grants). Waiters already attached still receive the old result.
   */
  forget(key: string): void;
  /** Number of keys currently in flight. */
  readonly size: number;
}

/**
 * A "single flight": N requests missing the cache for the same object at once cause one upstream call, not N. The
 * entry is dropped as soon as the call settles, so nothing is cached here (that is the shared cache's job) and a
 * failure is never replayed to a later caller.
 */
export function createSingleFlight<T>(): SingleFlight<T> {
  const inFlight = new Map<string, Promise<T>>();

  /** Keeps `call` under `key` until it settles (unless replaced or forgotten meanwhile). */
  function track(key: string, call: Promise<T>): void {
    inFlight.set(key, call);
    const drop = (): void => {
      if (inFlight.get(key) === call) inFlight.delete(key);
    };
    // Two-armed `then` rather than `finally`: a `finally` chain would be a second promise whose rejection
    // nobody handles. Waiters receive `call` itself and handle its rejection.
    call.then(drop, drop);
  }

  /** Calls `fn`, delivering a synchronous throw as a rejection, so every waiter sees the same shape of failure. */
  function start<R>(fn: () => Promise<R>): Promise<R> {
    try {
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  return {
    run(key, fn) {
      const existing = inFlight.get(key);
      if (existing) return existing;
      const call = start(fn);
      track(key, call);
      return call;
    },

    runMany(items, keyOf, fetchMissing) {
      const keys = items.map(keyOf);
      const calls = new Map<string, Promise<T>>();
      const mine = new Map<string, (typeof items)[number]>();
      keys.forEach((key, index) => {
        if (calls.has(key) || mine.has(key)) return;
        const existing = inFlight.get(key);
        if (existing) calls.set(key, existing);
        else mine.set(key, items[index] as (typeof items)[number]);
      });
      const started = [...mine.values()];
      if (started.length > 0) {
        const batch = start(() => fetchMissing(started));
        [...mine.keys()].forEach((key, position) => {
          const call = batch.then((values) => values[position] as T);
          calls.set(key, call);
          track(key, call);
        });
      }
      return { results: keys.map((key) => calls.get(key) as Promise<T>), started };
    },

    forget(key) {
      inFlight.delete(key);
    },

    get size() {
      return inFlight.size;
    },
  };
}
