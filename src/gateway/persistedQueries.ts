import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ApolloServerPlugin, BaseContext, GraphQLRequestContext } from '@apollo/server';
import {
  PrefixingKeyValueCache,
  type KeyValueCache as ApolloKeyValueCache,
  type KeyValueCacheSetOptions,
} from '@apollo/utils.keyvaluecache';
import type { GraphQLFormattedError } from 'graphql';
import { cachePolicy } from '../cache/cachePolicy.js';
import type { KeyValueCache } from '../cache/KeyValueCache.js';
import { ConfigError, type Config } from '../config.js';
import { protocolError } from '../errors/protocolError.js';
import type { currentApqScope } from './apqScope.js';
import { projectRoot } from './supergraphConfig.js';

// Automatic persisted queries (APQ) and the persisted-only production mode (DESIGN §10).
// APQ: a client sends the sha256 of its operation; the gateway answers from the manifests or the shared cache, or
// with PERSISTED_QUERY_NOT_FOUND, after which the client sends the text once and the gateway stores it under the hash.
// Persisted-only: the gateway runs only the operations of a manifest generated at codegen time (hash → text), by
// hash or by full text, and rejects everything else with FORBIDDEN before it executes.

/** The manifest the typed client's codegen writes (packages/client/src/operations/*.graphql). */
export const defaultManifestPath = resolve(projectRoot, 'packages/client/src/generated/persisted-documents.json');

/** Options of {@link createApolloCache}. */
export interface ApolloCacheOptions {
  /** Prepended to every key Apollo uses (Apollo adds its own `apq:`), so the entries are recognizable in Redis. */
  keyPrefix?: string;
  /** TTL when Apollo names none. */
  defaultTtlSeconds?: number;
  /** TTL when Apollo asks for no expiry (`ttl: null`): our cache always expires entries. */
  maxTtlSeconds?: number;
  /** Whose registrations the current request sees (the gateway passes `currentApqScope`); default: shared. */
  scope?: typeof currentApqScope;
}

/** Defaults of {@link ApolloCacheOptions}. */
export const defaultApolloCacheOptions = {
  keyPrefix: cachePolicy.persistedQuery.keyPrefix,
  defaultTtlSeconds: cachePolicy.persistedQuery.ttl.defaultSeconds,
  maxTtlSeconds: 7 * 24 * 3600,
} as const;

/**
 * Apollo's `KeyValueCache` interface (`@apollo/utils.keyvaluecache`) over our shared cache (Redis, or in memory), so
 * APQ registrations are seen by every gateway instance, within the request's APQ scope (see apqScope.ts). Our
 * cache never rejects, so neither does this.
 */
export function createApolloCache(kv: KeyValueCache, options: ApolloCacheOptions = {}): ApolloKeyValueCache<string> {
  const { keyPrefix, defaultTtlSeconds, maxTtlSeconds } = { ...defaultApolloCacheOptions, ...options };
  const currentScope = options.scope ?? (async () => ({ kind: 'shared' as const }));
  for (const [name, value] of [
    ['defaultTtlSeconds', defaultTtlSeconds],
    ['maxTtlSeconds', maxTtlSeconds],
  ] as const) {
    if (!Number.isFinite(value) || value <= 0)
      throw new TypeError(`createApolloCache: expected ${name} to be a positive number of seconds, got ${value}`);
  }
  const ttlFor = (set: KeyValueCacheSetOptions | undefined): number => {
    if (set?.ttl === null) return maxTtlSeconds;
    if (set?.ttl === undefined || !(set.ttl > 0)) return defaultTtlSeconds;
    return Math.min(set.ttl, maxTtlSeconds);
  };
  // Registrations follow the cache's sharing rule: under a per-caller scope, one caller's registered text is
  // neither served to another nor an oracle telling them which operations someone else ran.
  const scopedKey = async (key: string): Promise<string | undefined> => {
    const scope = await currentScope();
    if (scope.kind === 'none') return undefined;
    return scope.kind === 'shared' ? keyPrefix + key : `${keyPrefix}${scope.scope}:${key}`;
  };
  return {
    get: async (key) => {
      const full = await scopedKey(key);
      return full === undefined ? undefined : kv.get(full);
    },
    set: async (key, value, set) => {
      const full = await scopedKey(key);
      if (full !== undefined) await kv.set(full, value, ttlFor(set));
    },
    delete: async (key) => {
      const full = await scopedKey(key);
      if (full !== undefined) await kv.delete([full]);
    },
  };
}

const hexHash = /^[0-9a-f]{64}$/;

/** Registered operations: sha256 (hex, APQ's form) → document text. */
export class PersistedManifest {
  readonly #documents: ReadonlyMap<string, string>;

  constructor(documents: ReadonlyMap<string, string>) {
    this.#documents = documents;
  }

  /**
   * Reads manifests in the client preset's format (`{ "sha256:<hex>": "<text>" }`; a bare hex key is accepted
   * too). Every entry is checked: a text whose sha256 is not its key would make the hash a lie, so it stops start-up.
   */
  static load(paths: readonly string[]): PersistedManifest {
    const documents = new Map<string, string>();
    for (const path of paths) {
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(path, 'utf8'));
      } catch (error) {
        throw new ConfigError(
          `persisted operation manifest ${path}: expected a readable JSON file, got ${(error as Error).message}`,
        );
      }
      if (!raw || typeof raw !== 'object' || Array.isArray(raw))
        throw new ConfigError(
          `persisted operation manifest ${path}: expected an object of "sha256:<hex>": "<operation text>"`,
        );
      for (const [key, text] of Object.entries(raw)) {
        const hash = key.startsWith('sha256:') ? key.slice('sha256:'.length) : key;
        if (!hexHash.test(hash))
          throw new ConfigError(
            `persisted operation manifest ${path}: expected keys "sha256:<64 hex digits>", got "${key}"`,
          );
        if (typeof text !== 'string')
          throw new ConfigError(
            `persisted operation manifest ${path}: expected the value of "${key}" to be the operation's text, got ${typeof text}`,
          );
        if (sha256(text) !== hash)
          throw new ConfigError(
            `persisted operation manifest ${path}: the text under "${key}" has sha256 ${sha256(text)}; regenerate the manifest`,
          );
        documents.set(hash, text);
      }
    }
    return new PersistedManifest(documents);
  }

  /** The number of registered operations. */
  get size(): number {
    return this.#documents.size;
  }

  /** True when the operation with this sha256 (hex, with or without `sha256:`) is registered. */
  has(hash: string): boolean {
    return this.#documents.has(hash.startsWith('sha256:') ? hash.slice(7) : hash);
  }

  /** The text of a registered operation. */
  get(hash: string): string | undefined {
    return this.#documents.get(hash.startsWith('sha256:') ? hash.slice(7) : hash);
  }

  /**
   * The manifest as Apollo's APQ cache: hash-only requests resolve to the registered text; nothing can be added
   * (registration is what persisted-only mode forbids). Marked as not needing Apollo's `apq:` key prefix.
   */
  asApolloCache(): ApolloKeyValueCache<string> {
    return PrefixingKeyValueCache.cacheDangerouslyDoesNotNeedPrefixesForIsolation({
      get: async (key: string) => this.get(key),
      set: async () => {},
      delete: async () => false,
    });
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The message of the rejection, for logs and tests. */
export const notRegisteredMessage =
  'Only registered operations are allowed: this gateway runs in persisted-only mode (GRAPHQL_PERSISTED_ONLY=true) and the operation is not in its manifest. Use an operation from mlflow-supergraph/client, or register yours at build time.';

/** The rejection as it leaves the gateway (already formatted: code from the closed set). */
function rejection(): GraphQLFormattedError {
  return { message: notRegisteredMessage, extensions: { code: 'FORBIDDEN' } };
}

/** The hash this request is known by: the one Apollo computed from the text, else the one the client sent. */
function requestHash(context: GraphQLRequestContext<BaseContext>): string | undefined {
  if (context.queryHash) return context.queryHash;
  const persisted = (context.request.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)
    ?.persistedQuery;
  return typeof persisted?.sha256Hash === 'string' ? persisted.sha256Hash : undefined;
}

/**
 * Persisted-only mode as an Apollo plugin: an operation whose sha256 is not in `manifest` never executes. The
 * check runs once Apollo has resolved the operation (so a full text is judged by its hash too); any answer
 * Apollo prepared earlier for an unregistered request (unknown hash, syntax or validation error) is replaced by
 * the same FORBIDDEN rejection, so clients see one clear error whatever they sent.
 */
export function usePersistedOnly<TContext extends BaseContext>(
  manifest: PersistedManifest,
): ApolloServerPlugin<TContext> {
  const registered = (context: GraphQLRequestContext<TContext>) => {
    const hash = requestHash(context as GraphQLRequestContext<BaseContext>);
    return hash !== undefined && manifest.has(hash);
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(context) {
          if (!registered(context)) throw protocolError('FORBIDDEN', notRegisteredMessage, { status: 400 });
        },
        async willSendResponse(context) {
          if (registered(context)) return;
          context.response.body = { kind: 'single', singleResult: { errors: [rejection()] } };
          context.response.http.status = 400;
        },
      };
    },
  };
}

/**
 * The APQ cache when manifests are known: registered operations resolve from the manifest (no text round trip,
 * and a client may send the manifest's hash even for text it prints differently), others from the shared cache.
 */
function manifestFirstCache(
  manifest: PersistedManifest,
  shared: ApolloKeyValueCache<string>,
): ApolloKeyValueCache<string> {
  // Marked as not needing Apollo's `apq:` prefix, so the manifest sees bare hashes; the shared cache keeps it.
  return PrefixingKeyValueCache.cacheDangerouslyDoesNotNeedPrefixesForIsolation({
    get: async (hash: string) => manifest.get(hash) ?? shared.get(`apq:${hash}`),
    set: async (hash: string, value: string, options?: KeyValueCacheSetOptions) => {
      if (!manifest.has(hash)) await shared.set(`apq:${hash}`, value, options);
    },
    delete: async (hash: string) => shared.delete(`apq:${hash}`),
  });
}

/** What startGateway passes to Apollo Server: its `persistedQueries` option and the plugins that go with it. */
export interface PersistedQuerySetup<TContext extends BaseContext> {
  persistedQueries: { cache: ApolloKeyValueCache<string>; ttl?: number } | false;
  plugins: ApolloServerPlugin<TContext>[];
  /** The registered operations in force, if any. */
  manifest?: PersistedManifest;
}

/**
 * Persisted queries as configured: APQ over the shared cache, with the manifests' operations known from the
 * start (default); or, with GRAPHQL_PERSISTED_ONLY=true, only the manifests' operations (by hash or text) and no
 * registration; or none (GRAPHQL_APQ=false). Manifests named in GRAPHQL_PERSISTED_MANIFESTS must exist; the
 * typed client's is used when present.
 */
export function persistedQuerySetup<TContext extends BaseContext>(
  config: Pick<Config, 'persistedQueries'>,
  kv: KeyValueCache,
  /** Whose APQ registrations a request sees (the gateway's `currentApqScope`); default: one shared store. */
  scope?: typeof currentApqScope,
): PersistedQuerySetup<TContext> {
  const options = config.persistedQueries;
  const paths =
    options.manifests.length > 0 ? options.manifests : existsSync(defaultManifestPath) ? [defaultManifestPath] : [];
  if (options.persistedOnly) {
    const manifest = PersistedManifest.load(paths);
    if (manifest.size === 0)
      throw new ConfigError(
        'GRAPHQL_PERSISTED_ONLY=true needs at least one registered operation, but the manifests are empty (set GRAPHQL_PERSISTED_MANIFESTS)',
      );
    return {
      persistedQueries: { cache: manifest.asApolloCache() },
      plugins: [usePersistedOnly<TContext>(manifest)],
      manifest,
    };
  }
  if (!options.apq) return { persistedQueries: false, plugins: [] };
  const shared = createApolloCache(kv, { defaultTtlSeconds: options.ttlSeconds, ...(scope ? { scope } : {}) });
  if (paths.length === 0) return { persistedQueries: { cache: shared, ttl: options.ttlSeconds }, plugins: [] };
  const manifest = PersistedManifest.load(paths);
  return {
    persistedQueries: { cache: manifestFirstCache(manifest, shared), ttl: options.ttlSeconds },
    plugins: [],
    manifest,
  };
}
