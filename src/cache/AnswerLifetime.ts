import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * How long one request's whole answer may be kept (the response cache, DESIGN §5): no longer than the most volatile
 * thing it was built from. The request cache reports every entry it hands out (a run's, a search page's, a
 * permission profile's lifetime), and anything this layer cannot bound makes the answer uncacheable: an upstream
 * call made outside a cached fetch (its data has no policy row), or an object that could not be read.
 */
export class AnswerLifetime {
  /** Epoch ms after which the answer is stale; undefined until something with a lifetime was used. */
  #expiresAt: number | undefined;
  #refusal: string | undefined;

  /** `now`: the clock (epoch ms) lifetimes are measured on; the request cache dates its fetches by it too. */
  constructor(readonly now: () => number = Date.now) {}

  /** Something the answer uses stays valid `seconds` from now. */
  observe(seconds: number): void {
    this.observeUntil(this.now() + seconds * 1000);
  }

  /** Something the answer uses stays valid until `epochMs` (e.g. fetched earlier, with a known fetch time). */
  observeUntil(epochMs: number): void {
    if (this.#expiresAt === undefined || epochMs < this.#expiresAt) this.#expiresAt = epochMs;
  }

  /** The answer may not be kept at all (the first reason is the one reported). */
  refuse(reason: string): void {
    this.#refusal ??= reason;
  }

  /** Why the answer may not be kept, if it may not. */
  get refusal(): string | undefined {
    return this.#refusal;
  }

  /**
   * Seconds the answer may be kept, at most `maxSeconds`; 0 when it may not be kept: refused, built from nothing
   * with a lifetime (there is nothing to save), or already stale.
   */
  seconds(maxSeconds: number): number {
    if (this.#refusal !== undefined || this.#expiresAt === undefined) return 0;
    return Math.max(0, Math.min(maxSeconds, Math.floor((this.#expiresAt - this.now()) / 1000)));
  }
}

/** Set while a cached fetch runs: upstream calls inside one feed an entry with a lifetime (see requestCache). */
const cachedFetch = new AsyncLocalStorage<true>();

/** Runs `fetch` as a cached fetch: the upstream calls it makes are covered by the entry it fills. */
export function duringCachedFetch<T>(fetch: () => Promise<T>): Promise<T> {
  return cachedFetch.run(true, fetch);
}

/** Whether the code running now is inside a cached fetch. */
export function inCachedFetch(): boolean {
  return cachedFetch.getStore() === true;
}
