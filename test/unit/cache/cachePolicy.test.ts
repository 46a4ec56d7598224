// The cache-policy table is complete: every namespace the source uses has a row, every row is used, and every
// row's lifetime is a setting config parses (or a fixed value that matches the code that relies on it).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Kind, parse } from 'graphql';
import { MAX_SKEW_MS, NONCE_TTL_MS, nonceKey } from '../../../src/auth/subgraphSigning.js';
import {
  cachePolicy,
  cachePolicyRows,
  defaultTtls,
  rowOfNamespace,
  ttlNames,
  ttlSeconds,
  ttlSettings,
  type CachePolicyRow,
} from '../../../src/cache/cachePolicy.js';
import { cacheKey } from '../../../src/cache/cacheKey.js';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { defaultApolloCacheOptions } from '../../../src/gateway/persistedQueries.js';
import { projectRoot } from '../../../src/gateway/supergraphConfig.js';

const srcRoot = resolve(projectRoot, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.generated.ts') ? [path] : [];
  });
}

const sources = sourceFiles(srcRoot).map((path) => ({
  file: relative(srcRoot, path),
  text: readFileSync(path, 'utf8'),
}));

/** EntityCache and RequestCache methods whose first argument is a namespace. */
const NAMESPACED = 'load|forCaller|forgetForCaller|prime|invalidate|get|getMany|setMany';
/** `cache.<method><generics>(<first argument>`, where `cache` is the EntityCache or the request's RequestCache. */
const namespacedCall = new RegExp(
  String.raw`(?:\bcache|requestCache\([^()]*\))\s*\.\s*(?:${NAMESPACED})\s*(?:<[^()]*?>)?\s*\(\s*([^,)]+?)\s*[,)]`,
  'g',
);
/** The generic plumbing passes its caller's namespace through under this name. */
const PLUMBING = new Set(['cache/EntityCache.ts', 'cache/requestCache.ts']);
/** A key written on the KeyValueCache directly (`msg:v<n>:...`) spelled out in a string. */
const rawKeyLiteral = /['"`](msg:v\d+:[^'"`$]*)/g;

interface Use {
  file: string;
  argument: string;
  namespace?: string;
}

/** Every namespace argument in src/, resolved to its string where it is a literal or a constant of the file. */
function namespaceUses(): Use[] {
  // Keys built directly (`cacheKey({ namespace: cachePolicy.response.namespace, ... })`: raw text on the KeyValueCache).
  const keyUses = sources.flatMap(({ file, text }) =>
    [...text.matchAll(/cacheKey\(\{\s*namespace:\s*cachePolicy\.(\w+)\.namespace/g)].map(([, name = '']): Use => {
      const found = (cachePolicy as Record<string, CachePolicyRow>)[name];
      return {
        file,
        argument: `cachePolicy.${name}.namespace`,
        ...(found && 'namespace' in found ? { namespace: found.namespace } : {}),
      };
    }),
  );
  return keyUses.concat(namespaceUsesOfCalls());
}

function namespaceUsesOfCalls(): Use[] {
  return sources.flatMap(({ file, text }) =>
    [...text.matchAll(namespacedCall)].map(([, argument = '']): Use => {
      const literal = /^(['"`])([^'"`$]*)\1$/.exec(argument);
      if (literal) return { file, argument, namespace: literal[2] };
      const row = /^cachePolicy\.(\w+)\.namespace$/.exec(argument);
      if (row) {
        const found = (cachePolicy as Record<string, CachePolicyRow>)[row[1] as string];
        return { file, argument, ...(found && 'namespace' in found ? { namespace: found.namespace } : {}) };
      }
      const constant = new RegExp(String.raw`\bconst\s+${argument}\s*=\s*(['"])([^'"]*)\1`).exec(text);
      if (constant) return { file, argument, namespace: constant[2] };
      return { file, argument };
    }),
  );
}

describe('the cache-policy table', () => {
  const uses = namespaceUses();

  it('finds the namespaced calls it checks (the scan itself works)', () => {
    const found = new Set(uses.map((use) => use.namespace));
    for (const namespace of ['experiment', 'run', 'metricHistory', 'searchPage', 'gen', 'wgen', 'permissionCheck'])
      expect(found).toContain(namespace);
  });

  it('has a row for every namespace the source uses', () => {
    const unresolved = uses.filter(
      (use) => use.namespace === undefined && !(use.argument === 'namespace' && PLUMBING.has(use.file)),
    );
    expect(unresolved.map((use) => `${use.file}: ${use.argument} (name a row: cachePolicy.<row>.namespace)`)).toEqual(
      [],
    );
    const withoutRow = uses.filter((use) => use.namespace !== undefined && !rowOfNamespace(use.namespace));
    expect(withoutRow.map((use) => `${use.file}: "${use.namespace}" has no row in src/cache/cachePolicy.ts`)).toEqual(
      [],
    );
  });

  it('names every namespace through its row, never as a string', () => {
    const spelled = uses.filter(
      (use) =>
        !/^cachePolicy\.\w+\.namespace$/.test(use.argument) &&
        !(use.argument === 'namespace' && PLUMBING.has(use.file)),
    );
    // Also a namespace handed over as a property (`cacheKey({ namespace: 'run', ... })`), outside the table itself.
    const properties = sources
      .filter(({ file }) => file !== 'cache/cachePolicy.ts')
      .flatMap(({ file, text }) =>
        [...text.matchAll(/\bnamespace\s*:\s*(['"`][^'"`]*['"`])/g)].map(([, literal]) => ({
          file,
          argument: literal,
        })),
      );
    expect(
      [...spelled, ...properties].map(
        (use) => `${use.file}: ${use.argument} (name a row: cachePolicy.<row>.namespace)`,
      ),
    ).toEqual([]);
  });

  it('sees every cache call: the helpers are held in variables named `cache`', () => {
    // A helper bound to another name would hide its calls from the scan above.
    const bindings = sources.flatMap(({ file, text }) =>
      [
        ...text.matchAll(
          /\b(?:const|let)\s+(\{[^}]*\}|\w+)\s*=\s*(requestCache\([^()]*\)|[\w.]*services\.cache(?![\w.]))/g,
        ),
      ]
        .filter(([, name = '']) => name.replace(/[{}\s]/g, '') !== 'cache')
        .map(([statement]) => `${file}: ${statement}`),
    );
    expect(bindings).toEqual([]);
  });

  it('uses every row, and names each namespace once', () => {
    const used = new Set(uses.map((use) => use.namespace));
    // A raw-key row is used where the source names its prefix (`cachePolicy.<row>.keyPrefix`), outside the table.
    const rowReferences = sources
      .filter(({ file }) => file !== 'cache/cachePolicy.ts')
      .flatMap(({ text }) => [...text.matchAll(/\bcachePolicy\.(\w+)\.keyPrefix\b/g)].map((m) => m[1]));
    const unused = cachePolicyRows.filter(([name, row]) =>
      'namespace' in row ? !used.has(row.namespace) : !rowReferences.includes(name),
    );
    expect(unused.map(([name]) => name)).toEqual([]);
    const namespaces = cachePolicyRows.flatMap(([, row]) => ('namespace' in row ? [row.namespace] : []));
    expect(new Set(namespaces).size).toBe(namespaces.length);
    // Each is a valid key namespace.
    for (const namespace of namespaces) expect(() => cacheKey({ namespace, id: 'x' })).not.toThrow();
  });

  it('covers keys written on the KeyValueCache directly (APQ, subgraph nonces)', () => {
    const prefixes = cachePolicyRows.flatMap(([, row]) => ('keyPrefix' in row ? [row.keyPrefix] : []));
    const stray = sources
      .filter(({ file }) => !file.startsWith('cache/'))
      .flatMap(({ file, text }) =>
        [...text.matchAll(rawKeyLiteral)]
          .filter(([, literal = '']) => !prefixes.some((prefix) => literal.startsWith(prefix)))
          .map(([, literal]) => `${file}: ${literal}`),
      );
    expect(stray).toEqual([]);
    // Not even a row's own prefix is spelled out again: call sites name the row.
    const spelledOut = sources
      .filter(({ file }) => !file.startsWith('cache/'))
      .flatMap(({ file, text }) => [...text.matchAll(rawKeyLiteral)].map(([, literal]) => `${file}: ${literal}`));
    expect(spelledOut).toEqual([]);
    expect(defaultApolloCacheOptions.keyPrefix).toBe(cachePolicy.persistedQuery.keyPrefix);
    expect(nonceKey('sig')).toBe(`${cachePolicy.subgraphNonce.keyPrefix}sig`);
    expect(cachePolicy.subgraphNonce.ttl.fixedSeconds).toBe(NONCE_TTL_MS / 1000);
    // Accepted MAX_SKEW_MS either side of its timestamp, plus MAX_SKEW_MS of disagreement between replicas' clocks.
    expect(cachePolicy.subgraphNonce.ttl.fixedSeconds * 1000).toBe(3 * MAX_SKEW_MS);
  });

  it.each(cachePolicyRows)("row %s: its lifetime is parsed by config's CACHE_TTL_* or its own variable", (_, row) => {
    const ttl = row.ttl;
    if ('settings' in ttl) {
      expect(ttl.settings.length).toBeGreaterThan(0);
      for (const name of ttl.settings) {
        const { variable } = ttlSettings[name];
        expect(loadConfig({}).cacheTtls[name]).toBeUndefined();
        expect(loadConfig({ [variable]: '77' }).cacheTtls[name]).toBe(77);
        expect(() => loadConfig({ [variable]: 'soon' })).toThrow(new RegExp(`${variable} must be an integer`));
        expect(ttlSeconds(row, { ...defaultTtls, [name]: 77 }, name)).toBe(77);
      }
    } else if ('variable' in ttl) {
      expect(loadConfig({ [ttl.variable]: '77' })).not.toEqual(loadConfig({}));
      expect(() => loadConfig({ [ttl.variable]: 'soon' })).toThrow(ConfigError);
      expect(() => loadConfig({ [ttl.variable]: 'soon' })).toThrow(ttl.variable);
    } else {
      expect(ttl.fixedSeconds).toBeGreaterThan(0);
      expect(ttlSeconds(row, defaultTtls)).toBe(ttl.fixedSeconds);
    }
  });

  it("asks for the object's state where a row has a lifetime per state", () => {
    expect(ttlSeconds(cachePolicy.run, defaultTtls, 'runActive')).toBe(defaultTtls.runActive);
    expect(() => ttlSeconds(cachePolicy.run, defaultTtls)).toThrow(/expected one of runFinished, runActive/);
    expect(() => ttlSeconds(cachePolicy.run, defaultTtls, 'permission')).toThrow(/got permission/);
    expect(() => ttlSeconds(cachePolicy.persistedQuery, defaultTtls)).toThrow(/GRAPHQL_APQ_TTL_SECONDS/);
  });

  it('uses every TTL setting, named CACHE_TTL_<NAME> after it', () => {
    const used = new Set(cachePolicyRows.flatMap(([, row]) => ('settings' in row.ttl ? row.ttl.settings : [])));
    expect(ttlNames.filter((name) => !used.has(name))).toEqual([]);
    for (const name of ttlNames)
      expect(ttlSettings[name].variable).toBe(`CACHE_TTL_${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`);
    expect(loadConfig({}).persistedQueries.ttlSeconds).toBe(cachePolicy.persistedQuery.ttl.defaultSeconds);
  });

  it('names only real mutations and generation rows as what invalidates an entry', () => {
    const api = parse(readFileSync(resolve(projectRoot, 'schema/api.graphql'), 'utf8'));
    const mutations = new Set(
      api.definitions.flatMap((definition) =>
        (definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION) &&
        definition.name.value === 'Mutation'
          ? (definition.fields ?? []).map((field) => field.name.value)
          : [],
      ),
    );
    expect(mutations.size).toBeGreaterThan(10);
    for (const [name, row] of cachePolicyRows) {
      const invalidation: CachePolicyRow['invalidation'] = row.invalidation;
      for (const mutation of invalidation.deletedBy ?? [])
        expect([name, mutations.has(mutation)]).toEqual([name, true]);
      for (const generation of invalidation.staleWith ?? []) {
        const generationRow: CachePolicyRow = cachePolicy[generation];
        expect(generationRow.sharing).toBe('shared');
      }
    }
  });

  it('is the list the README and docs/operations.md give operators', () => {
    const operations = readFileSync(resolve(projectRoot, 'docs/operations.md'), 'utf8').replace(/\s+/g, ' ');
    for (const name of ttlNames)
      expect([name, operations.includes(`_${ttlSettings[name].variable.slice('CACHE_TTL_'.length)}\``)]).toEqual([
        name,
        true,
      ]);
    const readme = readFileSync(resolve(projectRoot, 'README.md'), 'utf8');
    const line = readme.split('\n').find((text) => text.startsWith('| `CACHE_TTL_<NAME>`')) ?? '';
    const listed = [...line.matchAll(/`([A-Z_]+)` (\d+)/g)].map(([, name, seconds]) => [name, Number(seconds)]);
    expect(listed).toEqual(
      ttlNames.map((name) => [ttlSettings[name].variable.slice('CACHE_TTL_'.length), ttlSettings[name].defaultSeconds]),
    );
  });
});
