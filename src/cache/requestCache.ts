import { createHash, randomUUID } from 'node:crypto';
import { principalScope } from './cacheKey.js';
import { cachePolicy, ttlSeconds as rowTtl, type CacheNamespace, type CacheTtls } from './cachePolicy.js';
import type { EntityCache } from './EntityCache.js';
import type { SingleFlight } from './singleFlight.js';

/** Kinds of search whose cached pages a write makes stale. */
export type SearchKind = 'experiments' | 'runs' | 'loggedModels' | 'registeredModels' | 'modelVersions';

/** A per-caller entry: the value and the object's write generation it was fetched under. */
interface Stamped<T> {
  g: string;
  v: T;
}

/** Values (or a per-key Error) in key order, as a DataLoader batch returns them; null means "does not exist". */
type Batch<T> = (T | null | Error)[];

/**
 * Per-request access to the shared cache (DESIGN §5), used by the loaders:
 * - entities (`load`): shared only where sharing is earned (`cacheSharing()`: a permission service this
 *   layer asks decides each caller's level on each object, and the profile declares it); otherwise, and always for
 *   an anonymous caller's view, keyed by an HMAC of the caller's credential;
 * - search pages (`page`): always per principal (MLflow filters searches by the caller's permissions), with a
 *   generation number per search kind that every write bumps, so a write is visible to the next search;
 * - concurrent identical fetches in this process share one upstream call (single flight, across requests).
 */
export interface RequestCache {
  load<T>(
    namespace: CacheNamespace,
    ids: readonly string[],
    fetch: (missing: readonly string[]) => Promise<Batch<T>>,
    ttl: (value: T, id: string) => number,
  ): Promise<Batch<T>>;
  page<T>(kind: SearchKind, params: unknown, fetch: () => Promise<T>): Promise<T>;
  /** A value cached for this caller's credentials (e.g. their permission profile). */
  forCaller<T>(namespace: CacheNamespace, id: string, fetch: () => Promise<T>, ttlSeconds: number): Promise<T>;
  /** Drops what {@link forCaller} keeps for this caller (their own grants changed). */
  forgetForCaller(namespace: CacheNamespace, ids: readonly string[]): Promise<void>;
  /** Stores objects another call already returned (search results), so later requests find them by id. */
  prime<T>(namespace: CacheNamespace, entries: readonly { id: string; value: T }[], ttlSeconds: number): Promise<void>;
  invalidate(namespace: CacheNamespace, ids: readonly string[]): Promise<void>;
  bump(...kinds: SearchKind[]): Promise<void>;
  /** The scope this caller's entities are kept under: undefined where sharing is earned, else their HMAC scope. */
  entityScope(): Promise<string | undefined>;
  ttls: Readonly<CacheTtls>;
}

function hash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 32);
}

/** What one request's cache helper is made of. */
export interface RequestCacheOptions {
  /** The shared cache of upstream payloads (Redis, or in-memory). */
  readonly cache: EntityCache;
  /** Upstream fetches in flight in this process, shared by concurrent requests (single flight). */
  readonly singleFlight: SingleFlight<unknown>;
  /** The key per-caller scopes are HMACs under (the server keys' `cacheScope`). */
  readonly keys: { readonly cacheScope: Buffer };
  /** What makes this caller's view theirs (`callerIdentity` of the principal); never stored as such. */
  readonly identity: string;
  /**
   * Whether entities may be shared between callers (decided once the permission service is known: auth's
   * CacheSharing); asked, never decided here, so the cache layer stays below auth.
   */
  readonly cacheSharing: () => Promise<{ readonly mode: 'shared' | 'per-caller' }>;
}

/** The cache helper of one request: made once per request (the request context does), never shared. */
export function requestCache({ cache, singleFlight, keys, identity, cacheSharing }: RequestCacheOptions): RequestCache {
  let callerScopeId: string | undefined;
  // An HMAC under the server's key, never a bare hash: Redis key names must not let anyone test a guessed password.
  const callerScope = () => (callerScopeId ??= principalScope(identity, keys.cacheScope));

  // Where entities live: shared only where sharing is earned (see CacheSharing), else under the caller's scope.
  let entityScope: Promise<string | undefined> | undefined;
  const scope = () =>
    (entityScope ??= (async (): Promise<string | undefined> =>
      (await cacheSharing()).mode === 'shared' ? undefined : callerScope())());

  // Each search kind's generation, read once per request (again after this request bumps one).
  let generationsRead: Promise<Map<SearchKind, string>> | undefined;
  const generations = () =>
    (generationsRead ??= (async () => {
      const kinds: SearchKind[] = ['experiments', 'runs', 'loggedModels', 'registeredModels', 'modelVersions'];
      const values = await cache.getMany<string>(cachePolicy.searchGeneration.namespace, kinds);
      return new Map(kinds.map((kind, index) => [kind, values[index] ?? '0']));
    })());

  /**
   * Per-caller entries of another caller cannot be deleted by a write (their keys are HMACs this request cannot
   * name), so each object has a shared write generation: a per-caller entry carries the generation it was
   * fetched under and is served only while that is still the object's current one. Read in parallel with the
   * entries (one round trip); only in per-caller mode, where shared entries are not simply deleted.
   */
  const writeGenerations = async (namespace: CacheNamespace, ids: readonly string[]): Promise<string[]> =>
    (
      await cache.getMany<string>(
        cachePolicy.writeGeneration.namespace,
        ids.map((id) => `${namespace}:${id}`),
      )
    ).map((value) => value ?? '0');

  /** Entries as stored: shared ones bare, per-caller ones stamped with the object's write generation. */
  async function readEntries<T>(
    namespace: CacheNamespace,
    ids: readonly string[],
    entryScope: string | undefined,
  ): Promise<{ values: (T | undefined)[]; stamps: string[] }> {
    if (entryScope === undefined) return { values: await cache.getMany<T>(namespace, ids), stamps: [] };
    const [stamped, stamps] = await Promise.all([
      cache.getMany<Stamped<T>>(namespace, ids, entryScope),
      writeGenerations(namespace, ids),
    ]);
    return {
      values: stamped.map((entry, index) => (entry && entry.g === stamps[index] ? entry.v : undefined)),
      stamps,
    };
  }

  /** Stores entries; per-caller ones stamped with `stamps` (id → generation), read now when not given. */
  async function writeEntries<T>(
    namespace: CacheNamespace,
    entries: readonly { id: string; value: T; ttlSeconds: number }[],
    entryScope: string | undefined,
    stamps?: () => ReadonlyMap<string, string>,
  ): Promise<void> {
    if (entries.length === 0) return;
    if (entryScope === undefined) return cache.setMany(namespace, entries);
    const known =
      stamps?.() ??
      new Map(
        (
          await writeGenerations(
            namespace,
            entries.map((e) => e.id),
          )
        ).map((g, index) => [entries[index]?.id as string, g]),
      );
    await cache.setMany<Stamped<T>>(
      namespace,
      entries.map((entry) => ({
        id: entry.id,
        ttlSeconds: entry.ttlSeconds,
        value: { g: known.get(entry.id) ?? '0', v: entry.value },
      })),
      entryScope,
    );
  }

  return {
    ttls: cache.ttls,
    entityScope: scope,

    async load<T>(
      namespace: CacheNamespace,
      ids: readonly string[],
      fetch: (missing: readonly string[]) => Promise<Batch<T>>,
      ttl: (value: T, id: string) => number,
    ) {
      const entryScope = await scope();
      const { values: cached, stamps } = await readEntries<T>(namespace, ids, entryScope);
      const missing = ids.filter((_, index) => cached[index] === undefined);
      const fetched = new Map<string, T | null | Error>();
      if (missing.length > 0) {
        // Ids another request is already fetching are awaited, not fetched again.
        // Keyed by the caller's credentials too: another caller's fetch may fail where this one's would not.
        const flight = singleFlight.runMany(missing, (id) => `${namespace}\u0000${callerScope()}\u0000${id}`, fetch);
        const results = await Promise.all(
          flight.results.map((result) =>
            (result as Promise<T | null | Error>).catch((error: unknown) => error as Error),
          ),
        );
        missing.forEach((id, index) => fetched.set(id, results[index] as T | null | Error));
        const toStore = flight.started.flatMap((id) => {
          const value = fetched.get(id);
          return value === null || value === undefined || value instanceof Error
            ? []
            : [{ id, value, ttlSeconds: ttl(value, id) }];
        });
        // Stamped with the generation read before the fetch: a write in between makes the entry stale at once.
        await writeEntries(
          namespace,
          toStore,
          entryScope,
          () => new Map(ids.map((id, index) => [id, stamps[index] ?? '0'])),
        );
      }
      return ids.map((id, index) => (cached[index] !== undefined ? (cached[index] as T) : (fetched.get(id) ?? null)));
    },

    async page<T>(kind: SearchKind, params: unknown, fetch: () => Promise<T>) {
      const generation = (await generations()).get(kind) ?? '0';
      const id = `${kind}:${generation}:${hash(params)}`;
      const scopeId = callerScope();
      const hit = await cache.get<T>(cachePolicy.searchPage.namespace, id, scopeId);
      if (hit !== undefined) return hit;
      const value = (await singleFlight.run(
        `${cachePolicy.searchPage.namespace}\u0000${scopeId}\u0000${id}`,
        fetch,
      )) as T;
      await cache.setMany(cachePolicy.searchPage.namespace, [{ id, value }], scopeId);
      return value;
    },

    async forCaller<T>(namespace: CacheNamespace, id: string, fetch: () => Promise<T>, ttlSeconds: number) {
      const scopeId = callerScope();
      const hit = await cache.get<T>(namespace, id, scopeId);
      if (hit !== undefined) return hit;
      const value = (await singleFlight.run(`${namespace}\u0000${scopeId}\u0000${id}`, fetch)) as T;
      await cache.setMany(namespace, [{ id, value, ttlSeconds }], scopeId);
      return value;
    },

    async forgetForCaller(namespace: CacheNamespace, ids: readonly string[]) {
      await cache.invalidate(namespace, ids, callerScope());
    },

    async prime<T>(namespace: CacheNamespace, entries: readonly { id: string; value: T }[], ttlSeconds: number) {
      if (entries.length === 0) return;
      await writeEntries(
        namespace,
        entries.map((entry) => ({ ...entry, ttlSeconds })),
        await scope(),
      );
    },

    async invalidate(namespace: CacheNamespace, ids: readonly string[]) {
      const entryScope = await scope();
      await cache.invalidate(namespace, ids, entryScope);
      // Every other caller's copy: a new generation for each object makes it stale, on every instance.
      if (entryScope !== undefined)
        await cache.setMany(
          cachePolicy.writeGeneration.namespace,
          ids.map((id) => ({
            id: `${namespace}:${id}`,
            value: randomUUID(),
            ttlSeconds: rowTtl(cachePolicy.writeGeneration, cache.ttls),
          })),
        );
    },

    async bump(...kinds: SearchKind[]) {
      // A new random generation changes every search key of that kind, for every caller and instance.
      await cache.setMany(
        cachePolicy.searchGeneration.namespace,
        kinds.map((kind) => ({
          id: kind,
          value: randomUUID(),
          ttlSeconds: rowTtl(cachePolicy.searchGeneration, cache.ttls),
        })),
      );
      generationsRead = undefined;
    },
  };
}
