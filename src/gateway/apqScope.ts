import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Whose automatic persisted queries a request may read and register (DESIGN §5: APQ follows the cache's sharing
 * rule). Apollo asks its APQ cache by hash alone, with no request context, so the scope travels beside the request
 * in async-local storage: the HTTP handler opens a holder, the context function puts in it how to learn the caller's
 * scope, and the APQ cache asks only when a request uses APQ (no work on other requests). An undefined scope:
 * shared (sharing is earned for this deployment); no holder, or a scope that cannot be decided: the APQ store is not
 * used at all (fail closed: nothing read, nothing registered).
 */
export interface ApqScopeHolder {
  /** Set by the context function: the caller's cache scope, or undefined when entries are shared. */
  scope?: () => Promise<string | undefined>;
}

/** Whose registrations a request sees. */
export type ApqScope = { kind: 'shared' } | { kind: 'caller'; scope: string } | { kind: 'none' };

/** The per-request holder. */
export const apqScopeStorage = new AsyncLocalStorage<ApqScopeHolder>();

/** What the APQ cache may use for the current request: `shared`, a caller scope, or `none` (undecided). */
export async function currentApqScope(): Promise<ApqScope> {
  const holder = apqScopeStorage.getStore();
  if (!holder?.scope) return { kind: 'none' };
  try {
    const scope = await holder.scope();
    return scope === undefined ? { kind: 'shared' } : { kind: 'caller', scope };
  } catch {
    // The sharing decision needs the permission probe; while it fails, no APQ store at all.
    return { kind: 'none' };
  }
}
