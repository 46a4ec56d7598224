import { cacheKey } from './cacheKey.js';
import { recordUndecodableHit } from './cacheStats.js';
import type { KeyValueCache, KeyValueEntry } from './KeyValueCache.js';

/** Lifetimes in seconds, one per volatility class of upstream data. */
export interface CacheTtls {
  /** A run in a terminal state (FINISHED, FAILED, KILLED) changes only through tags and renames. */
  runFinished: number;
  /** A RUNNING/SCHEDULED run gains metrics, params and an end time at any moment. */
  runActive: number;
  /** Params are write-once in MLflow. */
  params: number;
  /** A finished run's metric history is immutable. */
  metricHistoryFinished: number;
  /** A running run's metric history grows continuously. */
  metricHistoryActive: number;
  experiment: number;
  registeredModel: number;
  modelVersion: number;
  /** Permissions are kept short: a revoked grant must stop working quickly even on another instance. */
  permission: number;
  /** A page of search results is stale as soon as anything is created or deleted. */
  searchPage: number;
}

/** The default TTL policy, in seconds. */
export const defaultTtls: Readonly<CacheTtls> = Object.freeze({
  runFinished: 300,
  runActive: 5,
  params: 3600,
  metricHistoryFinished: 3600,
  metricHistoryActive: 5,
  experiment: 30,
  registeredModel: 30,
  modelVersion: 30,
  permission: 10,
  searchPage: 5,
});

/** Options for `EntityCache`. */
export interface EntityCacheOptions {
  /** Overrides for individual TTLs; the rest come from `defaultTtls`. */
  ttls?: Partial<CacheTtls>;
  /** TTL for an entry whose namespace is not a `CacheTtls` name and which names no TTL (default: the shortest TTL). */
  defaultTtlSeconds?: number;
}

/** One value to cache; without `ttlSeconds` the namespace's TTL applies (see `EntityCache.ttlFor`). */
export interface EntityCacheEntry<T> {
  id: string;
  value: T;
  ttlSeconds?: number;
}

/**
 * Typed JSON caching of upstream payloads over a `KeyValueCache`. Authorization is not its job: a shared entry
 * (no scope) may be returned only after the caller's permission on that object has been checked, and entries
 * whose content depends on who asks must carry the caller's `principalScope`.
 */
export class EntityCache {
  /** The effective TTL policy (defaults merged with the caller's overrides). */
  readonly ttls: Readonly<CacheTtls>;
  readonly #kv: KeyValueCache;
  readonly #defaultTtlSeconds: number;

  constructor(kv: KeyValueCache, options: EntityCacheOptions = {}) {
    const ttls = { ...defaultTtls, ...options.ttls };
    for (const [name, seconds] of Object.entries(ttls)) assertTtl(`ttls.${name}`, seconds);
    this.ttls = Object.freeze(ttls);
    this.#defaultTtlSeconds = options.defaultTtlSeconds ?? Math.min(...Object.values(ttls));
    assertTtl('defaultTtlSeconds', this.#defaultTtlSeconds);
    this.#kv = kv;
  }

  /** The key-value cache underneath (its `stats` include this layer's decode failures). */
  get kv(): KeyValueCache {
    return this.#kv;
  }

  /** Cached values in id order; undefined for a miss, a backend error or an entry that is not valid JSON. */
  async getMany<T>(namespace: string, ids: readonly string[], scope?: string): Promise<(T | undefined)[]> {
    if (ids.length === 0) return [];
    const raw = await this.#kv.getMany(ids.map((id) => cacheKey({ namespace, id, scope })));
    return raw.map((text) => {
      if (text === undefined) return undefined;
      try {
        return JSON.parse(text) as T;
      } catch {
        // A truncated or foreign entry must cost one upstream call, not an error for the client.
        recordUndecodableHit(this.#kv.stats);
        return undefined;
      }
    });
  }

  /** One cached value (see `getMany`). */
  async get<T>(namespace: string, id: string, scope?: string): Promise<T | undefined> {
    const [value] = await this.getMany<T>(namespace, [id], scope);
    return value;
  }

  /** Stores values in one round trip; `undefined` values and values JSON cannot encode are skipped. */
  async setMany<T>(namespace: string, entries: readonly EntityCacheEntry<T>[], scope?: string): Promise<void> {
    const encoded: KeyValueEntry[] = [];
    for (const { id, value, ttlSeconds } of entries) {
      const key = cacheKey({ namespace, id, scope });
      let text: string | undefined;
      try {
        text = JSON.stringify(value);
      } catch {
        // BigInt or a cycle: not cacheable, but the caller already has its value, so this is not its problem.
        this.#kv.stats.errors += 1;
        continue;
      }
      if (text === undefined) continue;
      encoded.push({ key, value: text, ttlSeconds: ttlSeconds ?? this.ttlFor(namespace) });
    }
    if (encoded.length > 0) await this.#kv.setMany(encoded);
  }

  /**
   * Deletes entries after a mutation so every gateway instance sharing the backend reads the write next time.
   * It removes only the given scope's entries; other principals' scoped entries age out by TTL, which is why
   * scoped namespaces should use short TTLs.
   */
  async invalidate(namespace: string, ids: readonly string[], scope?: string): Promise<void> {
    if (ids.length === 0) return;
    await this.#kv.delete(ids.map((id) => cacheKey({ namespace, id, scope })));
  }

  /** The TTL used when an entry names none: the policy entry named like the namespace, else the default. */
  ttlFor(namespace: string): number {
    return Object.hasOwn(this.ttls, namespace) ? this.ttls[namespace as keyof CacheTtls] : this.#defaultTtlSeconds;
  }
}

function assertTtl(name: string, seconds: unknown): void {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new TypeError(`EntityCache: expected ${name} to be a positive number of seconds, got ${String(seconds)}`);
  }
}
