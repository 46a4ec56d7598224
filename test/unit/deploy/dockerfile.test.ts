// The Dockerfile cannot be built here (no Docker engine); parse it and check what matters: multi-stage on
// Node 24, production dependencies only, non-root, node as PID 1 on the compiled entry point, no secrets baked
// in, and every path it copies present in the repository.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDockerfile } from '../../helpers/dockerfile.js';

const root = process.cwd();
const { instructions, args } = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
const froms = instructions.filter((i) => i.keyword === 'FROM');
const finalStage = froms.length - 1;
const final = instructions.filter((i) => i.stage === finalStage);

describe('Dockerfile', () => {
  it('is multi-stage, every stage on Node 24', () => {
    expect(froms.length).toBeGreaterThanOrEqual(3);
    for (const from of froms) {
      const image = from.args.split(' ')[0]?.replace(/^\$\{(\w+)\}$/, (_, name: string) => args[name] ?? '') ?? '';
      const base = image.startsWith('node:')
        ? image
        : (instructions.find((i) => i.keyword === 'FROM' && i.args.endsWith(` AS ${image}`))?.args ?? '');
      expect(base).toMatch(/^(node:24|\$\{NODE_IMAGE\}|deps)/);
    }
    expect(args.NODE_IMAGE).toMatch(/^node:24(\.|-|$)/);
  });

  it('runs the compiled entry point with node (signals reach it), as a non-root user', () => {
    const user = final.filter((i) => i.keyword === 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    const entrypoint = JSON.parse(final.find((i) => i.keyword === 'ENTRYPOINT')?.args ?? '[]') as string[];
    expect(entrypoint).toEqual(['node', 'dist/main.js']);
    // tsconfig.build.json compiles src/ (rootDir) to dist/: src/main.ts becomes dist/main.js.
    const build = JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf8'));
    expect(build.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
    expect(existsSync(join(root, 'src/main.ts'))).toBe(true);
    expect(final.find((i) => i.keyword === 'STOPSIGNAL')?.args).toBe('SIGTERM');
  });

  it('ships production dependencies only, installed reproducibly from the lockfile', () => {
    const runs = instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(runs.some((run) => run.includes('npm ci') && run.includes('--omit=dev'))).toBe(true);
    expect(runs.some((run) => /npm install(?!-)/.test(run))).toBe(false);
    const copiedIntoFinal = final.filter((i) => i.keyword === 'COPY');
    const nodeModules = copiedIntoFinal.find((i) => i.args.includes('node_modules'));
    const fromStage = /--from=([\w-]+)/.exec(nodeModules?.args ?? '')?.[1];
    const stage = froms.findIndex((from) => from.args.endsWith(` AS ${fromStage}`));
    const stageRuns = instructions
      .filter((i) => i.stage === stage && i.keyword === 'RUN')
      .map((i) => i.args)
      .join(' ');
    expect(stageRuns).toContain('--omit=dev');
  });

  it('sets production defaults and bakes in no secret', () => {
    const env = final
      .filter((i) => i.keyword === 'ENV')
      .map((i) => i.args)
      .join(' ');
    expect(env).toContain('NODE_ENV=production');
    expect(env).toContain('HOST=0.0.0.0');
    for (const instruction of instructions.filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG')) {
      expect(instruction.args).not.toMatch(/TOKEN|PASSWORD|SECRET|API_KEY/i);
    }
    expect(final.find((i) => i.keyword === 'EXPOSE')?.args).toBe('4000');
    expect(final.find((i) => i.keyword === 'HEALTHCHECK')?.args).toContain('/healthz');
  });

  it('copies only paths that exist, and the runtime gets the schema files the servers read', () => {
    for (const copy of instructions.filter((i) => i.keyword === 'COPY' && !i.args.includes('--from='))) {
      const sources = copy.args
        .split(' ')
        .filter((part) => !part.startsWith('--'))
        .slice(0, -1);
      for (const source of sources) expect(existsSync(join(root, source))).toBe(true);
    }
    const finalCopies = final
      .filter((i) => i.keyword === 'COPY')
      .map((i) => i.args)
      .join(' ');
    for (const needed of [
      'schema',
      'supergraph.yaml',
      'package.json',
      'dist',
      'packages/client/src/generated/persisted-documents.json',
    ])
      expect(finalCopies).toContain(needed);
    expect(existsSync(join(root, 'schema/supergraph.graphql'))).toBe(true);
  });

  it('keeps secrets, dependencies and history out of the build context', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['.git', 'node_modules', '.env', 'dist']));
    for (const needed of [
      'src',
      'schema',
      'package.json',
      'package-lock.json',
      'supergraph.yaml',
      'tsconfig.json',
      'tsconfig.build.json',
      'packages',
    ])
      expect(ignored).not.toContain(needed);
  });
});
