import { cacheKey } from './cacheKey.js';
import { defaultTtls, rowOfNamespace, type CacheTtls } from './cachePolicy.js';
import { recordUndecodableHit } from './cacheStats.js';
import type { KeyValueCache, KeyValueEntry } from './KeyValueCache.js';

/** Options for `EntityCache`. */
export interface EntityCacheOptions {
  /** Overrides for individual TTLs; the rest come from `defaultTtls`. */
  ttls?: Partial<CacheTtls>;
  /** TTL for an entry that names none and whose namespace's row has no single TTL setting (default: the shortest TTL). */
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

  /** The TTL used when an entry names none: its namespace's row in the policy table (a fixed TTL or a single setting), else the default. */
  ttlFor(namespace: string): number {
    const ttl = rowOfNamespace(namespace)?.ttl;
    if (ttl && 'fixedSeconds' in ttl) return ttl.fixedSeconds;
    const only = ttl && 'settings' in ttl && ttl.settings.length === 1 ? ttl.settings[0] : undefined;
    return only === undefined ? this.#defaultTtlSeconds : this.ttls[only];
  }
}

function assertTtl(name: string, seconds: unknown): void {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new TypeError(`EntityCache: expected ${name} to be a positive number of seconds, got ${String(seconds)}`);
  }
}
