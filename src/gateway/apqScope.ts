import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Whose automatic persisted queries a request may read and register (DESIGN §5: APQ follows the cache's sharing
 * rule). Apollo asks its APQ cache by hash alone, with no request context, so the scope travels beside the request
 * in async-local storage: the HTTP handler opens a holder, the context function fills it once the caller's scope is
 * known, and the APQ cache reads it. `undefined` scope: shared (sharing is earned for this deployment); a missing
 * holder or an unset scope: the APQ store is not used at all (fail closed: nothing read, nothing registered).
 */
export interface ApqScopeHolder {
  /** Set by the context function: the caller's cache scope, or undefined when entries are shared. */
  scope?: string | undefined;
  /** True once `scope` was decided. */
  decided: boolean;
}

/** The per-request holder. */
export const apqScopeStorage = new AsyncLocalStorage<ApqScopeHolder>();

/** What the APQ cache may use for the current request: `shared`, a caller scope, or `none` (undecided). */
export function currentApqScope(): { kind: 'shared' } | { kind: 'caller'; scope: string } | { kind: 'none' } {
  const holder = apqScopeStorage.getStore();
  if (!holder?.decided) return { kind: 'none' };
  return holder.scope === undefined ? { kind: 'shared' } : { kind: 'caller', scope: holder.scope };
}
