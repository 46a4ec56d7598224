// The production build (`npm run build`, the Dockerfile's build stage) compiles src/ and nothing else: the MLflow
// emulator is a development package (packages/mlflow-emulator) that the image does not even copy, so a build
// that reached into it would ship demo code, or fail in Docker where the package is absent.
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';

const root = process.cwd();

/** The files `tsc -p tsconfig.build.json` takes into its program, relative to the project root. */
function buildProgramFiles(): string[] {
  const run = spawnSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--listFilesOnly'],
    { cwd: root, encoding: 'utf8' },
  );
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return run.stdout
    .split('\n')
    .filter(Boolean)
    .map((file) => relative(root, file));
}

describe('the production build (tsconfig.build.json)', () => {
  it('compiles src/ only: the server, with no emulator code', () => {
    const files = buildProgramFiles();
    expect(files).toContain('src/main.ts');
    const compiled = files.filter((file) => !file.startsWith('node_modules/'));
    expect(compiled.filter((file) => !file.startsWith('src/'))).toEqual([]);
    expect(files.filter((file) => file.includes('mlflow-emulator'))).toEqual([]);
  });
});
