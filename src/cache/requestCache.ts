import { createHash, randomUUID } from 'node:crypto';
import { AnswerLifetime, duringCachedFetch } from './AnswerLifetime.js';
import { cacheKey, principalScope } from './cacheKey.js';
import { cachePolicy, ttlSeconds as rowTtl, type CacheNamespace, type CacheTtls } from './cachePolicy.js';
import type { EntityCache } from './EntityCache.js';
import type { SingleFlight } from './singleFlight.js';

/** Kinds of search whose cached pages a write makes stale. */
export type SearchKind =
  | 'experiments'
  | 'runs'
  | 'loggedModels'
  | 'registeredModels'
  | 'modelVersions'
  /** MLflow 3 evaluation datasets: their searches and record pages, bumped by every dataset write. */
  | 'evaluationDatasets'
  | 'traces';

/**
 * Everything a generation is kept for: each search kind; `permissions`, which every grant or revoke through this
 * layer replaces (the permission answers kept for callers are stamped with it); `answers`, which the gateway replaces
 * after every mutation. Whole answers are stamped with all of them.
 */
export type GenerationKind = SearchKind | 'permissions' | 'answers';

const GENERATION_KINDS: readonly GenerationKind[] = [
  'experiments',
  'runs',
  'loggedModels',
  'registeredModels',
  'modelVersions',
  'permissions',
  'answers',
  'evaluationDatasets',
  'traces',
];

/** A per-caller entry: the value and the object's write generation it was fetched under. */
interface Stamped<T> {
  g: string;
  v: T;
}

/** A value kept for one caller (forCaller): stamped with the permissions generation, and when it was fetched. */
interface CallerEntry<T> {
  g: string;
  /** Epoch ms of the fetch, so an answer built from it expires when it does, not a whole lifetime later. */
  t: number;
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
  bump(...kinds: GenerationKind[]): Promise<void>;
  /** The scope this caller's entities are kept under: undefined where sharing is earned, else their HMAC scope. */
  entityScope(): Promise<string | undefined>;
  /** How long this request's whole answer may be kept, from what it read through this helper (see AnswerLifetime). */
  readonly lifetime: AnswerLifetime;
  /** Whole answers kept for this caller (the gateway's response cache; `id` names the operation and variables). */
  readonly answers: {
    /** The answer's text, if one is kept for this caller and no generation changed since it was built. */
    read(id: string): Promise<string | undefined>;
    /** Keeps `text` for `ttlSeconds`, stamped with the generations read by the `read` before it (read first). */
    write(id: string, text: string, ttlSeconds: number): Promise<void>;
  };
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
  /** Where this request's answer lifetime is recorded (the request context makes one; default: a new one). */
  readonly lifetime?: AnswerLifetime;
}

/** The cache helper of one request: made once per request (the request context does), never shared. */
export function requestCache({
  cache,
  singleFlight,
  keys,
  identity,
  cacheSharing,
  lifetime = new AnswerLifetime(),
}: RequestCacheOptions): RequestCache {
  let callerScopeId: string | undefined;
  // An HMAC under the server's key, never a bare hash: Redis key names must not let anyone test a guessed password.
  const callerScope = () => (callerScopeId ??= principalScope(identity, keys.cacheScope));

  // Where entities live: shared only where sharing is earned (see CacheSharing), else under the caller's scope.
  let entityScope: Promise<string | undefined> | undefined;
  const scope = () =>
    (entityScope ??= (async (): Promise<string | undefined> =>
      (await cacheSharing()).mode === 'shared' ? undefined : callerScope())());

  // Every generation, read once per request in one round trip (again after this request bumps one).
  let generationsRead: Promise<Map<GenerationKind, string>> | undefined;
  const generations = () =>
    (generationsRead ??= (async () => {
      const values = await cache.getMany<string>(cachePolicy.searchGeneration.namespace, GENERATION_KINDS);
      return new Map(GENERATION_KINDS.map((kind, index) => [kind, values[index] ?? '0']));
    })());
  const generation = async (kind: GenerationKind) => (await generations()).get(kind) ?? '0';

  /** What an answer kept now is stamped with (every generation), as read by the last `answers.read`. */
  let answerStamp: Promise<string> | undefined;
  // Whole answers are raw text under a key of their own (not JSON-in-JSON: a 300 KB answer would be escaped).
  const answerKey = (id: string) => cacheKey({ namespace: cachePolicy.response.namespace, id, scope: callerScope() });

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
    lifetime,

    answers: {
      async read(id) {
        const stamp = (answerStamp = generations().then((read) => GENERATION_KINDS.map((k) => read.get(k)).join('.')));
        const [[text], current] = await Promise.all([cache.kv.getMany([answerKey(id)]), stamp]);
        if (text === undefined) return undefined;
        const newline = text.indexOf('\n');
        // Built under other generations: something was written since (by anyone), so it is not served.
        return newline > 0 && text.slice(0, newline) === current ? text.slice(newline + 1) : undefined;
      },
      async write(id, text, ttlSeconds) {
        if (!answerStamp)
          throw new TypeError('answers.write: expected answers.read first (its generations stamp the answer)');
        await cache.kv.setMany([{ key: answerKey(id), value: `${await answerStamp}\n${text}`, ttlSeconds }]);
      },
    },

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
        const flight = singleFlight.runMany(
          missing,
          (id) => `${namespace}\u0000${callerScope()}\u0000${id}`,
          (some) => duringCachedFetch(() => fetch(some)),
        );
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
      const values = ids.map((id, index) =>
        cached[index] !== undefined ? (cached[index] as T) : (fetched.get(id) ?? null),
      );
      values.forEach((value, index) => {
        // An object that could not be read makes the answer's error or gap a moment's truth, not a keepable one;
        // one that does not exist may be created elsewhere at any time, as volatile as a search page.
        if (value instanceof Error) lifetime.refuse(`${namespace} could not be read`);
        else if (value === null) lifetime.observe(cache.ttls.searchPage);
        else lifetime.observe(ttl(value, ids[index] as string));
      });
      return values;
    },

    async page<T>(kind: SearchKind, params: unknown, fetch: () => Promise<T>) {
      // MLflow filters searches by the caller's permissions: a grant or revoke changes what a page holds too.
      const id = `${kind}:${await generation(kind)}.${await generation('permissions')}:${hash(params)}`;
      const scopeId = callerScope();
      lifetime.observe(rowTtl(cachePolicy.searchPage, cache.ttls));
      const hit = await cache.get<T>(cachePolicy.searchPage.namespace, id, scopeId);
      if (hit !== undefined) return hit;
      const value = (await singleFlight.run(`${cachePolicy.searchPage.namespace}\u0000${scopeId}\u0000${id}`, () =>
        duringCachedFetch(fetch),
      )) as T;
      await cache.setMany(cachePolicy.searchPage.namespace, [{ id, value }], scopeId);
      return value;
    },

    async forCaller<T>(namespace: CacheNamespace, id: string, fetch: () => Promise<T>, ttlSeconds: number) {
      const scopeId = callerScope();
      // Permission answers: a grant or revoke through this layer replaces the permissions generation, so the next
      // request of every caller asks again (read in parallel with the entry: no extra round trip).
      const [hit, current] = await Promise.all([
        cache.get<CallerEntry<T>>(namespace, id, scopeId),
        generation('permissions'),
      ]);
      if (hit && typeof hit === 'object' && hit.g === current && typeof hit.t === 'number') {
        lifetime.observeUntil(hit.t + ttlSeconds * 1000);
        return hit.v;
      }
      const fetchedAt = lifetime.now();
      const value = (await singleFlight.run(`${namespace}\u0000${scopeId}\u0000${id}`, () =>
        duringCachedFetch(fetch),
      )) as T;
      lifetime.observeUntil(fetchedAt + ttlSeconds * 1000);
      await cache.setMany<CallerEntry<T>>(
        namespace,
        [{ id, value: { g: current, t: fetchedAt, v: value }, ttlSeconds }],
        scopeId,
      );
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

    async bump(...kinds: GenerationKind[]) {
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
