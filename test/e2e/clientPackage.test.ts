// The typed client as another repository gets it: `npm pack` the workspace package, install the tarball into a
// scratch project in a temp dir (offline, from the npm cache; the registry only when the cache lacks a
// dependency), then run a plain-node ES module script and a CommonJS `require` script against the demo gateway,
// and type-check a typed usage with tsc against the package's declarations.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../src/gateway/supergraphConfig.js';
import { startStack, type Stack } from '../helpers/startStack.js';
import { runCommand, type ProcessResult } from './clientHarness.js';

const packageDir = join(projectRoot, 'packages/client');
const packageJson = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
  name: string;
  dependencies: Record<string, string>;
};
const rootManifest = JSON.parse(
  readFileSync(join(packageDir, 'src/generated/persisted-documents.json'), 'utf8'),
) as Record<string, string>;

let stack: Stack;
let work: string;
let scratch: string;
let install: { offline: ProcessResult; online?: ProcessResult };

/** Fails with the command's output when it did not exit 0. */
function succeeded(result: ProcessResult, what: string): ProcessResult {
  if (result.code !== 0) throw new Error(`${what} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
  return result;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'client-package-'));
  const packDir = join(work, 'pack');
  scratch = join(work, 'consumer');
  mkdirSync(packDir);
  mkdirSync(scratch);
  // npm pack runs the package's prepack (build.mjs: rebuilds dist/ when any source is newer than it), so the
  // tarball holds what the sources say now. Not forced: a forced rebuild deletes dist/ while other suites of the
  // same run import the workspace package from it.
  const [, started] = await Promise.all([
    runCommand('npm', ['pack', '--silent', '--pack-destination', packDir], {
      cwd: packageDir,
      timeoutMs: 240_000,
    }).then((r) => succeeded(r, 'npm pack')),
    startStack(),
  ]);
  stack = started;
  const tarballs = readdirSync(packDir).filter((name) => name.endsWith('.tgz'));
  expect(tarballs).toHaveLength(1);
  const tarball = join(packDir, tarballs[0]!);

  writeFileSync(
    join(scratch, 'package.json'),
    JSON.stringify({ name: 'client-package-consumer', version: '1.0.0', private: true }, null, 2),
  );
  const args = ['install', '--no-audit', '--no-fund', '--ignore-scripts', tarball];
  const offline = await runCommand('npm', ['--offline', ...args], { cwd: scratch, timeoutMs: 240_000 });
  // A cold npm cache (a fresh CI machine) lacks the package's dependencies: fetch them from the registry once.
  install =
    offline.code === 0 || !/ENOTCACHED/.test(offline.stdout + offline.stderr)
      ? { offline: succeeded(offline, 'npm install --offline') }
      : {
          offline,
          online: succeeded(
            await runCommand('npm', ['--prefer-offline', ...args], { cwd: scratch, timeoutMs: 240_000 }),
            'npm install',
          ),
        };
}, 480_000);

afterAll(async () => {
  await stack?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Runs a script of the scratch project with the project's Node; its stdout is one JSON value. */
async function runScript(file: string, source: string): Promise<unknown> {
  writeFileSync(join(scratch, file), source);
  const result = succeeded(
    await runCommand(process.execPath, [file, stack.gateway.graphqlUrl], { cwd: scratch }),
    `node ${file}`,
  );
  return JSON.parse(result.stdout);
}

describe('the packed client package', () => {
  it('installs from its tarball with only its own runtime dependencies (no server packages)', () => {
    const installed = JSON.parse(
      readFileSync(join(scratch, 'node_modules', packageJson.name, 'package.json'), 'utf8'),
    ) as { dependencies: Record<string, string> };
    expect(Object.keys(installed.dependencies).sort()).toEqual([
      '@graphql-tools/documents',
      '@graphql-typed-document-node/core',
    ]);
    const top = readdirSync(join(scratch, 'node_modules')).filter((name) => !name.startsWith('.'));
    expect(top.sort()).toEqual([
      '@graphql-tools',
      '@graphql-typed-document-node',
      '@mlflow-supergraph',
      'graphql',
      'tslib',
    ]);
    const shipped = readdirSync(join(scratch, 'node_modules', packageJson.name, 'dist'), { recursive: true }).map(
      String,
    );
    expect(shipped).toEqual(
      expect.arrayContaining([
        'esm/index.js',
        'esm/index.d.ts',
        'cjs/index.js',
        'cjs/index.d.ts',
        'cjs/package.json',
        'persisted-documents.json',
      ]),
    );
    expect(shipped.filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))).toEqual([]);
    expect(install.offline.code === 0 || install.online?.code === 0).toBe(true);
  });

  it('runs from a plain node ES module: typed documents, a helper that pages, and a typed error', async () => {
    const oracle = await stack.query<{ experiment: { name: string; runs: { nodes: { id: string }[] } } }>(
      '{ experiment(id: "1") { name runs(first: 1000) { nodes { id } } } }',
    );
    expect(oracle.errors).toBeUndefined();
    const result = (await runScript(
      'esm.mjs',
      `import { createClient, listExperimentRuns, ViewerDocument, SupergraphRequestError, ErrorCode } from '${packageJson.name}';
const client = createClient({ url: process.argv[2] });
const { viewer } = await client.request(ViewerDocument);
const ids = [];
let pages = 0;
for await (const page of listExperimentRuns(client, { experimentId: '1', first: 20 })) { pages++; ids.push(...page.map((run) => run.id)); }
let error;
try { for await (const _ of listExperimentRuns(client, { experimentId: '999999' })) {} } catch (e) { error = { typed: e instanceof SupergraphRequestError, code: e.code, known: Object.values(ErrorCode).includes(e.code) }; }
console.log(JSON.stringify({ viewer, ids, pages, error }));
`,
    )) as { viewer: { authKind: string }; ids: string[]; pages: number; error: unknown };
    expect(result.viewer).toMatchObject({ authKind: 'ANONYMOUS', permissionBackend: 'none' });
    const expected = oracle.data!.experiment.runs.nodes.map((run) => run.id);
    expect(expected.length).toBeGreaterThan(20);
    expect(new Set(result.ids)).toEqual(new Set(expected));
    expect(result.ids).toHaveLength(expected.length);
    expect(result.pages).toBe(Math.ceil(expected.length / 20));
    expect(result.error).toEqual({ typed: true, code: 'NOT_FOUND', known: true });
  });

  it('runs from CommonJS require: the CJS build, the persisted manifest, and the champion alias of the demo', async () => {
    const oracle = await stack.query<{ modelVersionByAlias: { version: string; runId: string } }>(
      '{ modelVersionByAlias(name: "fraud-detector", alias: "champion") { version runId } }',
    );
    expect(oracle.errors).toBeUndefined();
    const result = (await runScript(
      'cjs.cjs',
      `const { createClient, GetModelVersionByAliasDocument, persistedDocument } = require('${packageJson.name}');
const manifest = require('${packageJson.name}/persisted-documents.json');
const client = createClient({ url: process.argv[2] });
client.request(GetModelVersionByAliasDocument, { name: 'fraud-detector', alias: 'champion' }).then((data) => {
  const hash = 'sha256:' + persistedDocument(GetModelVersionByAliasDocument).sha256Hash;
  console.log(JSON.stringify({ resolved: require.resolve('${packageJson.name}'), data, inManifest: manifest[hash] !== undefined, manifestSize: Object.keys(manifest).length }));
}, (error) => { console.error(error); process.exit(1); });
`,
    )) as {
      resolved: string;
      data: { modelVersionByAlias: { name: string; version: string; runId: string; aliases: string[] } };
      inManifest: boolean;
      manifestSize: number;
    };
    expect(result.resolved).toMatch(/node_modules\/@mlflow-supergraph\/client\/dist\/cjs\/index\.js$/);
    expect(result.data.modelVersionByAlias).toMatchObject({
      name: 'fraud-detector',
      version: oracle.data!.modelVersionByAlias.version,
      runId: oracle.data!.modelVersionByAlias.runId,
    });
    expect(result.data.modelVersionByAlias.aliases).toContain('champion');
    expect(result.inManifest).toBe(true);
    expect(result.manifestSize).toBe(Object.keys(rootManifest).length);
  });

  it('type-checks a typed usage against the shipped declarations (tsc --noEmit, the root typescript)', async () => {
    writeFileSync(
      join(scratch, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2023', 'DOM'],
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          noEmit: true,
          types: [],
        },
        files: ['usage.mts', 'usage.cts'],
      }),
    );
    // Each @ts-expect-error must meet an error: were the declarations missing or `any`, tsc would report it unused.
    writeFileSync(
      join(scratch, 'usage.mts'),
      `import { createClient, GetRunWithMetricsDocument, SupergraphRequestError, type ErrorCode } from '${packageJson.name}';
const client = createClient({ url: 'http://127.0.0.1:4000/graphql' });
export async function usage(): Promise<string | undefined> {
  // @ts-expect-error \`id\` is required
  await client.request(GetRunWithMetricsDocument, {});
  try {
    const { run } = await client.request(GetRunWithMetricsDocument, { id: 'abc' });
    // @ts-expect-error artifacts were not selected
    void run?.artifacts;
    return run?.experiment?.name;
  } catch (error) {
    const code: ErrorCode | undefined = error instanceof SupergraphRequestError ? error.code : undefined;
    // @ts-expect-error not one of the closed set
    const wrong: ErrorCode = 'NOT_A_CODE';
    return code ?? wrong;
  }
}
`,
    );
    writeFileSync(
      join(scratch, 'usage.cts'),
      `import client = require('${packageJson.name}');
export const levels: readonly client.PermissionLevel[] = client.permissionLevels;
// @ts-expect-error not a permission level
export const wrong: client.PermissionLevel = 'CAN_FLY';
`,
    );
    const result = await runCommand(
      process.execPath,
      [join(projectRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
      { cwd: scratch },
    );
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
