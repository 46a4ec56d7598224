// Persisted queries: the adapter from our shared cache to Apollo's KeyValueCache, APQ through a real Apollo
// Server over it (shared by two instances, as two gateway replicas share Redis), the manifest loader's checks,
// persisted-only mode, and the configuration that picks between them.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloServer, type GraphQLResponse } from '@apollo/server';
import type { KeyValueCache, KeyValueEntry } from '../../../src/cache/KeyValueCache.js';
import { MemoryCache } from '../../../src/cache/MemoryCache.js';
import { ConfigError, loadConfig } from '../../../src/config.js';
import {
  createApolloCache,
  defaultApolloCacheOptions,
  defaultManifestPath,
  notRegisteredMessage,
  PersistedManifest,
  persistedQuerySetup,
  usePersistedOnly,
} from '../../../src/gateway/persistedQueries.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const typeDefs = 'type Query { hello(name: String): String, secret: String }';

/** A KeyValueCache that records what it is asked to store. */
function recordingCache(): {
  kv: KeyValueCache;
  sets: { key: string; value: string; ttlSeconds: number }[];
  deletes: string[][];
  memory: MemoryCache;
} {
  const memory = new MemoryCache();
  const sets: { key: string; value: string; ttlSeconds: number }[] = [];
  const deletes: string[][] = [];
  const kv: KeyValueCache = {
    kind: 'memory',
    stats: memory.stats,
    isHealthy: () => memory.isHealthy(),
    get: (key) => memory.get(key),
    getMany: (keys) => memory.getMany(keys),
    setIfAbsent: (key, value, ttlSeconds) => memory.setIfAbsent(key, value, ttlSeconds),
    async set(key, value, ttlSeconds) {
      sets.push({ key, value, ttlSeconds });
      await memory.set(key, value, ttlSeconds);
    },
    async setMany(entries: readonly KeyValueEntry[]) {
      sets.push(...entries);
      await memory.setMany(entries);
    },
    async delete(keys) {
      deletes.push([...keys]);
      await memory.delete(keys);
    },
    close: () => memory.close(),
  };
  return { kv, sets, deletes, memory };
}

function single(response: GraphQLResponse): {
  data?: unknown;
  errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
} {
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return response.body.singleResult as never;
}

describe('createApolloCache', () => {
  it('prefixes keys, and maps Apollo TTLs onto ours (none: default; null: the maximum; above the maximum: capped)', async () => {
    const { kv, sets, deletes } = recordingCache();
    const cache = createApolloCache(kv, { keyPrefix: 'p:', defaultTtlSeconds: 60, maxTtlSeconds: 600 });
    await cache.set('a', '1');
    await cache.set('b', '2', { ttl: 30 });
    await cache.set('c', '3', { ttl: null });
    await cache.set('d', '4', { ttl: 10_000 });
    await cache.set('e', '5', { ttl: 0 });
    expect(sets).toEqual([
      { key: 'p:a', value: '1', ttlSeconds: 60 },
      { key: 'p:b', value: '2', ttlSeconds: 30 },
      { key: 'p:c', value: '3', ttlSeconds: 600 },
      { key: 'p:d', value: '4', ttlSeconds: 600 },
      { key: 'p:e', value: '5', ttlSeconds: 60 },
    ]);
    expect(await cache.get('b')).toBe('2');
    expect(await cache.get('missing')).toBeUndefined();
    await cache.delete('b');
    expect(deletes).toEqual([['p:b']]);
    expect(await cache.get('b')).toBeUndefined();
  });

  it('uses the documented defaults, and rejects a TTL that is not a positive number', async () => {
    const { kv, sets } = recordingCache();
    await createApolloCache(kv).set('apq:x', 'q');
    expect(sets).toEqual([
      {
        key: `${defaultApolloCacheOptions.keyPrefix}apq:x`,
        value: 'q',
        ttlSeconds: defaultApolloCacheOptions.defaultTtlSeconds,
      },
    ]);
    expect(() => createApolloCache(kv, { defaultTtlSeconds: 0 })).toThrow(
      /expected defaultTtlSeconds to be a positive number of seconds, got 0/,
    );
    expect(() => createApolloCache(kv, { maxTtlSeconds: Number.NaN })).toThrow(/maxTtlSeconds/);
  });
});

describe('automatic persisted queries over the shared cache', () => {
  const shared = new MemoryCache();
  const servers: ApolloServer[] = [];
  const replica = async () => {
    const server = new ApolloServer({
      typeDefs,
      resolvers: { Query: { hello: (_: unknown, args: { name?: string }) => `hello ${args.name ?? 'world'}` } },
      persistedQueries: { cache: createApolloCache(shared), ttl: 120 },
    });
    await server.start();
    servers.push(server);
    return server;
  };
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
  });

  it('answers PERSISTED_QUERY_NOT_FOUND for an unknown hash, stores the text under its hash, and serves it to another replica', async () => {
    const [first, second] = [await replica(), await replica()];
    const query = 'query Hello($name: String) { hello(name: $name) }';
    const persistedQuery = { version: 1, sha256Hash: sha256(query) };

    expect(
      single(await first.executeOperation({ extensions: { persistedQuery }, variables: { name: 'a' } })).errors?.[0]
        ?.extensions?.code,
    ).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(
      single(await first.executeOperation({ query, extensions: { persistedQuery }, variables: { name: 'a' } })).data,
    ).toEqual({ hello: 'hello a' });
    await new Promise((resolve) => setImmediate(resolve)); // Apollo stores the registration without awaiting it
    expect(await shared.get(`${defaultApolloCacheOptions.keyPrefix}apq:${persistedQuery.sha256Hash}`)).toBe(query);
    expect(
      single(await second.executeOperation({ extensions: { persistedQuery }, variables: { name: 'b' } })).data,
    ).toEqual({ hello: 'hello b' });
  });

  it('refuses a hash that does not match the text', async () => {
    const server = await replica();
    const answer = single(
      await server.executeOperation({
        query: '{ hello }',
        extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ secret }') } },
      }),
    );
    expect(answer.errors?.[0]?.message).toBe('provided sha does not match query');
  });
});

describe('PersistedManifest.load', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'manifest-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  it('reads the client preset format and bare hex keys, from several files', () => {
    const a = '{ hello }';
    const b = 'query B { secret }';
    const manifest = PersistedManifest.load([
      file('a.json', { [`sha256:${sha256(a)}`]: a }),
      file('b.json', { [sha256(b)]: b }),
    ]);
    expect(manifest.size).toBe(2);
    expect(manifest.get(sha256(a))).toBe(a);
    expect(manifest.has(`sha256:${sha256(b)}`)).toBe(true);
    expect(manifest.has(sha256('{ other }'))).toBe(false);
  });

  it('stops start-up with the file and the problem named', () => {
    expect(() => PersistedManifest.load([join(dir, 'missing.json')])).toThrow(ConfigError);
    expect(() => PersistedManifest.load([file('array.json', ['{ hello }'])])).toThrow(
      /expected an object of "sha256:<hex>": "<operation text>"/,
    );
    expect(() => PersistedManifest.load([file('key.json', { 'md5:abc': '{ hello }' })])).toThrow(
      /expected keys "sha256:<64 hex digits>", got "md5:abc"/,
    );
    expect(() => PersistedManifest.load([file('value.json', { [`sha256:${sha256('x')}`]: 42 })])).toThrow(
      /to be the operation's text, got number/,
    );
    expect(() =>
      PersistedManifest.load([file('lie.json', { [`sha256:${sha256('{ hello }')}`]: '{ secret }' })]),
    ).toThrow(/has sha256 .*; regenerate the manifest/);
  });

  it('loads the manifest the client codegen writes', () => {
    const manifest = PersistedManifest.load([defaultManifestPath]);
    expect(manifest.size).toBeGreaterThanOrEqual(9);
  });
});

describe('usePersistedOnly', () => {
  const registered = 'query Hello { hello }';
  const manifest = new PersistedManifest(new Map([[sha256(registered), registered]]));
  let server: ApolloServer;
  let secretReads = 0;
  beforeAll(async () => {
    server = new ApolloServer({
      typeDefs,
      resolvers: { Query: { hello: () => 'hello', secret: () => `secret ${++secretReads}` } },
      persistedQueries: { cache: manifest.asApolloCache() },
      plugins: [usePersistedOnly(manifest)],
    });
    await server.start();
  });
  afterAll(async () => {
    await server?.stop();
  });

  const rejectedWith400 = (response: GraphQLResponse) => {
    expect(response.http.status).toBe(400);
    expect(single(response)).toEqual({
      errors: [{ message: notRegisteredMessage, extensions: { code: 'FORBIDDEN' } }],
    });
  };

  it('runs a registered operation by text, by hash, and by both', async () => {
    const persistedQuery = { version: 1, sha256Hash: sha256(registered) };
    expect(single(await server.executeOperation({ query: registered })).data).toEqual({ hello: 'hello' });
    expect(single(await server.executeOperation({ extensions: { persistedQuery } })).data).toEqual({ hello: 'hello' });
    expect(single(await server.executeOperation({ query: registered, extensions: { persistedQuery } })).data).toEqual({
      hello: 'hello',
    });
  });

  it('rejects anything else before it executes: other text, unknown hash, registration, syntax errors', async () => {
    rejectedWith400(await server.executeOperation({ query: '{ secret }' }));
    rejectedWith400(
      await server.executeOperation({
        extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ secret }') } },
      }),
    );
    rejectedWith400(
      await server.executeOperation({
        query: '{ secret }',
        extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ secret }') } },
      }),
    );
    rejectedWith400(
      await server.executeOperation({
        extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ secret }') } },
      }),
    );
    rejectedWith400(await server.executeOperation({ query: '{ secret ' }));
    rejectedWith400(await server.executeOperation({ query: `${registered} ` })); // a different text is a different operation
    expect(secretReads).toBe(0);
  });
});

describe('persistedQuerySetup (GRAPHQL_APQ, GRAPHQL_APQ_TTL_SECONDS, GRAPHQL_PERSISTED_ONLY, GRAPHQL_PERSISTED_MANIFESTS)', () => {
  const kv = new MemoryCache();

  it('defaults to APQ over the shared cache for a day, with no extra plugin', () => {
    const config = loadConfig({ NODE_ENV: 'test' });
    expect(config.persistedQueries).toEqual({ apq: true, ttlSeconds: 86_400, persistedOnly: false, manifests: [] });
    const setup = persistedQuerySetup(config, kv);
    expect(setup.persistedQueries).toMatchObject({ ttl: 86_400, cache: expect.any(Object) });
    expect(setup.plugins).toEqual([]);
    expect(setup.manifest?.size).toBeGreaterThanOrEqual(9); // the typed client's operations are known from the start
  });

  it('answers manifest operations by hash on the first try, and registers other operations in the shared cache', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manifest-'));
    const shared = new MemoryCache();
    const registered = 'query Hello { hello }';
    const path = join(dir, 'm.json');
    writeFileSync(path, JSON.stringify({ [`sha256:${sha256(registered)}`]: registered }));
    const setup = persistedQuerySetup(loadConfig({ NODE_ENV: 'test', GRAPHQL_PERSISTED_MANIFESTS: path }), shared);
    const server = new ApolloServer({
      typeDefs,
      resolvers: { Query: { hello: () => 'hello', secret: () => 'secret' } },
      persistedQueries: setup.persistedQueries,
    });
    await server.start();
    try {
      expect(
        single(
          await server.executeOperation({
            extensions: { persistedQuery: { version: 1, sha256Hash: sha256(registered) } },
          }),
        ).data,
      ).toEqual({ hello: 'hello' });
      const other = '{ secret }';
      const persistedQuery = { version: 1, sha256Hash: sha256(other) };
      expect(
        single(await server.executeOperation({ extensions: { persistedQuery } })).errors?.[0]?.extensions?.code,
      ).toBe('PERSISTED_QUERY_NOT_FOUND');
      expect(single(await server.executeOperation({ query: other, extensions: { persistedQuery } })).data).toEqual({
        secret: 'secret',
      });
      await new Promise((resolve) => setImmediate(resolve));
      expect(await shared.get(`${defaultApolloCacheOptions.keyPrefix}apq:${persistedQuery.sha256Hash}`)).toBe(other);
      expect(single(await server.executeOperation({ extensions: { persistedQuery } })).data).toEqual({
        secret: 'secret',
      });
      // Manifest entries are not copied into the shared cache.
      await server.executeOperation({
        query: registered,
        extensions: { persistedQuery: { version: 1, sha256Hash: sha256(registered) } },
      });
      await new Promise((resolve) => setImmediate(resolve));
      expect(await shared.get(`${defaultApolloCacheOptions.keyPrefix}apq:${sha256(registered)}`)).toBeUndefined();
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('turns persisted queries off with GRAPHQL_APQ=false', () => {
    const setup = persistedQuerySetup(loadConfig({ NODE_ENV: 'test', GRAPHQL_APQ: 'false' }), kv);
    expect(setup).toEqual({ persistedQueries: false, plugins: [] });
  });

  it('loads the client manifest (or the files named) in persisted-only mode', async () => {
    const setup = persistedQuerySetup(loadConfig({ NODE_ENV: 'test', GRAPHQL_PERSISTED_ONLY: 'true' }), kv);
    expect(setup.plugins).toHaveLength(1);
    expect(setup.manifest?.size).toBeGreaterThanOrEqual(9);
    const dir = mkdtempSync(join(tmpdir(), 'manifest-'));
    try {
      const empty = join(dir, 'empty.json');
      writeFileSync(empty, '{}');
      expect(() =>
        persistedQuerySetup(
          loadConfig({ NODE_ENV: 'test', GRAPHQL_PERSISTED_ONLY: 'true', GRAPHQL_PERSISTED_MANIFESTS: empty }),
          kv,
        ),
      ).toThrow(/needs at least one registered operation/);
      const one = join(dir, 'one.json');
      writeFileSync(one, JSON.stringify({ [`sha256:${sha256('{ hello }')}`]: '{ hello }' }));
      const both = persistedQuerySetup(
        loadConfig({
          NODE_ENV: 'test',
          GRAPHQL_PERSISTED_ONLY: 'true',
          GRAPHQL_PERSISTED_MANIFESTS: ` ${one} , ${defaultManifestPath}`,
        }),
        kv,
      );
      expect(both.manifest?.size).toBe((setup.manifest?.size ?? 0) + 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names a bad variable', () => {
    expect(() => loadConfig({ GRAPHQL_PERSISTED_ONLY: 'maybe' })).toThrow(
      /GRAPHQL_PERSISTED_ONLY must be true or false, got "maybe"/,
    );
    expect(() => loadConfig({ GRAPHQL_APQ_TTL_SECONDS: '0' })).toThrow(
      /GRAPHQL_APQ_TTL_SECONDS must be an integer from 1 to 2592000, got "0"/,
    );
  });
});
