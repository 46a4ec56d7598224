// The runtime image holds everything a documented setting needs. No Docker engine here, so this test plays the
// Dockerfile itself: each stage is a temp folder, COPY copies from the build context (minus .dockerignore) or an
// earlier stage, `RUN npm ci` links the lockfile's packages (only the production ones with --omit=dev) from this
// checkout's node_modules, `RUN npm run build` compiles. Then it starts the ENTRYPOINT from the final stage's
// folder alone, with the image's ENV, GRAPHQL_PERSISTED_ONLY=true and GRAPHQL_EXPLORER=graphiql, and checks that
// a persisted operation answers and GraphiQL's page and assets load. A RUN it does not know fails the test, so a
// changed Dockerfile is checked again rather than skipped.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { collectJsonLines } from '../helpers/jsonLines.js';
import { startEmulator, type Emulator } from '@mlflow-supergraph/mlflow-emulator';
import { projectRoot } from '../../src/gateway/supergraphConfig.js';
import { parseDockerfile } from '../helpers/dockerfile.js';
import { runCommand } from './clientHarness.js';

const manifest = JSON.parse(
  readFileSync(join(projectRoot, 'packages/client/src/generated/persisted-documents.json'), 'utf8'),
) as Record<string, string>;

let work: string;
let runtimeDir: string;
let emulator: Emulator;
let main: { child: ChildProcess; lines: Record<string, any>[]; origin: string } | undefined;
const notes: string[] = [];

/** Hard-links a file or a tree (symlinks copied as symlinks); `skip` names direct children of `from` to leave out. */
function link(from: string, to: string, skip: (name: string) => boolean = () => false): void {
  const stat = lstatSync(from);
  if (stat.isSymbolicLink()) {
    mkdirSync(dirname(to), { recursive: true });
    symlinkSync(readlinkSync(from), to);
  } else if (stat.isDirectory()) {
    mkdirSync(to, { recursive: true });
    for (const name of readdirSync(from)) if (!skip(name)) link(join(from, name), join(to, name));
  } else {
    mkdirSync(dirname(to), { recursive: true });
    linkSync(from, to);
  }
}

/** .dockerignore patterns as a test on context-relative paths (the subset of the syntax the file uses). */
function dockerIgnore(): (path: string) => boolean {
  const patterns = readFileSync(join(projectRoot, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const regexes = patterns.map(
    (pattern) =>
      new RegExp(
        `^${pattern
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*\*\//g, '(.*/)?')
          .replace(/\*/g, '[^/]*')}(/.*)?$`,
      ),
  );
  return (path) => regexes.some((regex) => regex.test(path));
}

/** `RUN npm ci` with --omit=dev: the lockfile's non-dev packages, linked from this checkout (what npm would extract). */
function linkProductionDependencies(stageDir: string): number {
  const lock = JSON.parse(readFileSync(join(stageDir, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; optional?: boolean; link?: boolean }>;
  };
  let count = 0;
  for (const [path, entry] of Object.entries(lock.packages)) {
    // Workspace links (packages/*) point at folders the image does not copy; the server imports none of them.
    if (!path.startsWith('node_modules/') || entry.dev || entry.link) continue;
    const source = join(projectRoot, path);
    if (!existsSync(source)) {
      if (entry.optional) continue; // another platform's optional binary
      throw new Error(`production dependency ${path} is not installed in this checkout`);
    }
    link(source, join(stageDir, path), (name) => name === 'node_modules');
    count += 1;
  }
  return count;
}

/** Plays the Dockerfile's stages into folders under `root`; returns the final stage's folder and its ENV. */
async function assembleImage(
  root: string,
): Promise<{ dir: string; env: Record<string, string>; entrypoint: string[] }> {
  const { instructions } = parseDockerfile(readFileSync(join(projectRoot, 'Dockerfile'), 'utf8'));
  const ignored = dockerIgnore();
  const stages = new Map<string, string>();
  let dir = '';
  let env: Record<string, string> = {};
  let entrypoint: string[] = [];
  for (const { keyword, args } of instructions) {
    if (keyword === 'FROM') {
      const [base = '', , name = `stage${stages.size}`] = args.split(' ');
      dir = join(root, name);
      const parent = stages.get(base);
      if (parent) cpSync(parent, dir, { recursive: true, verbatimSymlinks: true });
      else mkdirSync(dir);
      stages.set(name, dir);
      env = {};
    } else if (keyword === 'WORKDIR') {
      expect(args).toBe('/app'); // stage folders stand for /app
    } else if (keyword === 'COPY') {
      const parts = args.split(' ');
      const from = parts.find((part) => part.startsWith('--from='))?.slice('--from='.length);
      const [destination = '', ...reversed] = parts.filter((part) => !part.startsWith('--')).reverse();
      const sources = reversed.reverse();
      const target = join(dir, destination);
      for (const source of sources) {
        let path: string;
        if (from) {
          const stageDir = stages.get(from);
          if (!stageDir) throw new Error(`COPY --from=${from}: no such stage`);
          path = join(stageDir, relative('/app', source));
        } else {
          expect(ignored(source)).toBe(false); // a source .dockerignore removes would be missing in a real build
          path = join(projectRoot, source);
        }
        if (!existsSync(path)) throw new Error(`COPY ${args}: ${source} does not exist`);
        // Docker: a folder's contents go into the destination; a file goes into it when it ends in "/" or when
        // there are several sources, else becomes it.
        const isDirectory = statSync(path).isDirectory();
        const into = isDirectory
          ? target
          : destination.endsWith('/') || sources.length > 1
            ? join(target, basename(source))
            : target;
        if (isDirectory && !from) {
          for (const file of readdirSync(path, { recursive: true }).map(String)) {
            const contextPath = join(source, file);
            if (!ignored(contextPath) && statSync(join(path, file)).isFile()) link(join(path, file), join(into, file));
          }
        } else {
          link(path, into);
        }
      }
    } else if (keyword === 'RUN') {
      for (const command of args.split('&&').map((part) => part.trim())) {
        if (/^npm ci\b/.test(command)) {
          if (command.includes('--omit=dev'))
            notes.push(`${basename(dir)}: ${linkProductionDependencies(dir)} production packages`);
          else symlinkSync(join(projectRoot, 'node_modules'), join(dir, 'node_modules')); // all dependencies, for the build
        } else if (command === 'npm run build') {
          const result = await runCommand('npm', ['run', 'build'], { cwd: dir, timeoutMs: 300_000 });
          if (result.code !== 0)
            throw new Error(`npm run build failed in the build stage:\n${result.stdout}\n${result.stderr}`);
        } else if (command !== 'npm cache clean --force') {
          throw new Error(`this test does not know how to play RUN ${command}; teach assembleImage what it does`);
        }
      }
    } else if (keyword === 'ENV') {
      for (const pair of args.split(' ')) {
        const [name = '', ...value] = pair.split('=');
        env[name] = value.join('=');
      }
    } else if (keyword === 'ENTRYPOINT') {
      entrypoint = JSON.parse(args) as string[];
    }
  }
  return { dir, env, entrypoint };
}

/** Starts the entry point in `cwd` with exactly `env` (plus PATH); resolves once the gateway logs its URL. */
async function startEntrypoint(
  cwd: string,
  entrypoint: string[],
  env: Record<string, string>,
): Promise<NonNullable<typeof main>> {
  const [command, ...args] = entrypoint;
  expect(command).toBe('node');
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const lines = collectJsonLines(child.stdout, [], (parsed) => {
      if (parsed['component'] === 'gateway' && typeof parsed['url'] === 'string')
        resolve({ child, lines, origin: new URL(parsed['url'] as string).origin });
    });
    child.once('exit', (code) =>
      reject(new Error(`node ${args.join(' ')} exited ${code} before listening:\n${JSON.stringify(lines)}\n${stderr}`)),
    );
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'docker-image-'));
  emulator = await startEmulator({ seed: 'demo' });
  const image = await assembleImage(work);
  runtimeDir = image.dir;
  main = await startEntrypoint(runtimeDir, image.entrypoint, {
    ...image.env,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    MLFLOW_TRACKING_URI: emulator.trackingUri,
    GRAPHQL_PERSISTED_ONLY: 'true',
    GRAPHQL_EXPLORER: 'graphiql',
    GRAPHQL_SANDBOX: 'true',
  });
}, 420_000);

afterAll(async () => {
  if (main && main.child.exitCode === null) {
    const exited = new Promise((resolve) => main!.child.once('exit', resolve));
    main.child.kill('SIGTERM');
    await exited;
  }
  await emulator?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the runtime image, assembled from the Dockerfile', () => {
  it('holds the compiled server, production dependencies only, and the persisted-operation manifest', () => {
    expect(existsSync(join(runtimeDir, 'dist/main.js'))).toBe(true);
    expect(existsSync(join(runtimeDir, 'node_modules/graphiql/graphiql.min.js'))).toBe(true);
    expect(existsSync(join(runtimeDir, 'node_modules/typescript'))).toBe(false);
    expect(existsSync(join(runtimeDir, 'node_modules/jest'))).toBe(false);
    expect(existsSync(join(runtimeDir, 'src'))).toBe(false);
    // The MLflow emulator is a development package: neither its files, nor a link to it, nor code built from it.
    expect(existsSync(join(runtimeDir, 'packages/mlflow-emulator'))).toBe(false);
    expect(existsSync(join(runtimeDir, 'node_modules/@mlflow-supergraph/mlflow-emulator'))).toBe(false);
    const built = readdirSync(join(runtimeDir, 'dist'), { recursive: true }).map(String);
    const emulatorCode = built.filter(
      (file) => file.endsWith('.js') && readFileSync(join(runtimeDir, 'dist', file), 'utf8').includes('/__emulator/'),
    );
    expect(emulatorCode).toEqual([]);
    expect(
      JSON.parse(readFileSync(join(runtimeDir, 'packages/client/src/generated/persisted-documents.json'), 'utf8')),
    ).toEqual(manifest);
    expect(main?.lines.some((line) => line.level === 'error' || line.level >= 50)).toBe(false);
    expect(notes.join('; ')).toMatch(/\d+ production packages/);
  });

  it('GRAPHQL_PERSISTED_ONLY=true: a manifest operation answers by hash alone; an ad-hoc query is refused', async () => {
    const [hash, text] = Object.entries(manifest).find(([, body]) => /query Viewer\b/.test(body)) ?? [];
    expect(hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    const byHash = await fetch(`${main!.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        operationName: 'Viewer',
        extensions: { persistedQuery: { version: 1, sha256Hash: hash!.slice('sha256:'.length) } },
      }),
    });
    const answer = (await byHash.json()) as { data?: { viewer?: { authKind: string } }; errors?: unknown[] };
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.viewer?.authKind).toBe('ANONYMOUS');
    expect(text).toContain('viewer');

    const adHoc = await fetch(`${main!.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ viewer { id } }' }),
    });
    expect(adHoc.status).toBeGreaterThanOrEqual(400);
    expect(adHoc.status).toBeLessThan(500);
  });

  it('GRAPHQL_EXPLORER=graphiql: the page and every asset it references load from the image', async () => {
    const page = await fetch(`${main!.origin}/`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('graphiql');
    // Every reference resolves to this process (no CDN): relative URLs, against the page's own.
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => new URL(match[1]!, `${main!.origin}/`));
    expect(assets.map((url) => url.origin)).toEqual(assets.map(() => main!.origin));
    expect(assets.map((url) => url.pathname).sort()).toEqual([
      '/explorer/graphiql.min.css',
      '/explorer/graphiql.min.js',
      '/explorer/react-dom.production.min.js',
      '/explorer/react.production.min.js',
    ]);
    for (const asset of assets) {
      const response = await fetch(asset);
      expect({ asset, status: response.status }).toEqual({ asset, status: 200 });
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
  });
});
