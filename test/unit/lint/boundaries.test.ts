// The layering of DESIGN §9 is enforced by one lint rule (boundaries/dependencies in eslint.config.js). This test
// lints snippets as if they lived at a path in the repository and asserts each layer's rule fires: without it, a
// policy dropped from the config would leave `npm run lint` green and the layering unguarded.
import { existsSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { repositoryRoot as root, ruleMessages } from '../../helpers/lintSnippet.js';

/** The boundary errors ESLint reports for `code` placed at `filePath` (relative to the repository root). */
function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  return ruleMessages(filePath, code, 'boundaries/dependencies');
}

/** A relative import of `target` (an existing file, so the resolver finds it) as `name`, from a file at `from`. */
function importOf(from: string, target: string, name = 'target'): string {
  if (!existsSync(resolve(root, target))) throw new Error(`expected ${target} to exist (moved? update this test)`);
  const specifier = relative(dirname(resolve(root, from)), resolve(root, target)).replace(/\.ts$/, '.js');
  return `import * as ${name} from '${specifier.startsWith('.') ? specifier : `./${specifier}`}';\nvoid ${name};\n`;
}

describe('the import-boundary lint rule', () => {
  it('keeps GraphQL out of src/upstream/ and src/cache/', async () => {
    expect(
      await boundaryErrors('src/upstream/http/probe.ts', "import { parse } from 'graphql';\nvoid parse;\n"),
    ).toEqual([expect.stringContaining('[layering: upstream-cache-no-graphql]')]);
    expect(await boundaryErrors('src/cache/probe.ts', "import type { ApolloServer } from '@apollo/server';\n")).toEqual(
      [expect.stringContaining('[layering: upstream-cache-no-graphql]')],
    );
  });

  it('keeps the gateway, the GraphQL helpers and the error mapping out of src/upstream/', async () => {
    for (const target of [
      'src/gateway/createGateway.ts',
      'src/graphql/connection.ts',
      'src/errors/SupergraphError.ts',
    ]) {
      expect(await boundaryErrors('src/upstream/probe.ts', importOf('src/upstream/probe.ts', target))).toEqual([
        expect.stringContaining('[layering: upstream-cache-no-graphql]'),
      ]);
    }
  });

  it('lets upstream code import its own layer, config, the cache and HTTP packages', async () => {
    const from = 'src/upstream/mlflow/probe.ts';
    const code = [
      importOf(from, 'src/upstream/http/UpstreamError.ts'),
      importOf(from, 'src/config.ts', 'config'),
      importOf(from, 'src/cache/KeyValueCache.ts', 'cache'),
      "import got from 'got';\nvoid got;\n",
    ].join('');
    expect(await boundaryErrors(from, code)).toEqual([]);
  });

  it('keeps each subgraph apart from the other subgraphs and from the gateway', async () => {
    const from = 'src/subgraphs/tracking/probe.ts';
    expect(
      await boundaryErrors(from, importOf(from, 'src/subgraphs/registry/loaders/createRegistryLoaders.ts')),
    ).toEqual([expect.stringContaining('[layering: subgraph-isolation]')]);
    expect(await boundaryErrors(from, importOf(from, 'src/gateway/createGateway.ts'))).toEqual([
      expect.stringContaining('[layering: subgraph-no-gateway]'),
    ]);
    expect(
      await boundaryErrors(from, importOf(from, 'src/subgraphs/tracking/loaders/createTrackingLoaders.ts')),
    ).toEqual([]);
    expect(await boundaryErrors(from, importOf(from, 'src/subgraphs/loadSchema.ts'))).toEqual([]);
  });

  it('lets only the subgraph entry (startSubgraph.ts) use src/server/', async () => {
    const target = 'src/server/createServiceServer.ts';
    if (!existsSync(resolve(root, target))) throw new Error(`expected ${target} to exist (moved? update this test)`);
    for (const from of [
      'src/subgraphs/startSubgraph.ts',
      'src/subgraphs/loadSchema.ts',
      'src/subgraphs/tracking/probe.ts',
    ]) {
      const expected = from.endsWith('startSubgraph.ts')
        ? []
        : [expect.stringContaining('[layering: subgraph-no-gateway]')];
      expect(await boundaryErrors(from, importOf(from, target))).toEqual(expected);
    }
    const startSubgraph = 'src/subgraphs/startSubgraph.ts';
    expect(await boundaryErrors(startSubgraph, importOf(startSubgraph, 'src/gateway/createGateway.ts'))).toEqual([
      expect.stringContaining('[layering: subgraph-no-gateway]'),
    ]);
  });

  it('keeps the emulator out of production code except the demo start in src/main.ts', async () => {
    const code = "const { startEmulator } = await import('@mlflow-supergraph/mlflow-emulator');\nvoid startEmulator;\n";
    expect(await boundaryErrors('src/gateway/probe.ts', code)).toEqual([
      expect.stringContaining('[layering: no-emulator]'),
    ]);
    expect(await boundaryErrors('src/main.ts', code)).toEqual([]);
  });

  it('keeps src/auth/ and src/observability/ below the graph, and src/main.ts and the client apart', async () => {
    const cases: Array<[from: string, target: string, rule: string]> = [
      ['src/auth/probe.ts', 'src/gateway/createGateway.ts', 'auth-below-graph'],
      ['src/observability/probe.ts', 'src/auth/backends/NoPermissionBackend.ts', 'observability-below-graph'],
      ['src/gateway/probe.ts', 'src/main.ts', 'no-main'],
      ['packages/client/src/probe.ts', 'src/config.ts', 'client-standalone'],
    ];
    for (const [from, target, rule] of cases) {
      expect(await boundaryErrors(from, importOf(from, target))).toEqual([
        expect.stringContaining(`[layering: ${rule}]`),
      ]);
    }
  });
});
