// Builds dist/: ES modules (dist/esm) and CommonJS (dist/cjs), each with declarations, plus the persisted-operation
// manifest. `npm run build -w @mlflow-supergraph/client` (the root's `npm run build:client`, run before the root's
// tests). It skips the work when dist/ is newer than every input, so a test run pays for it only after a change;
// `--force` rebuilds anyway. `prepack` does not force: dist/ must not vanish under test suites importing it.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
// The workspace root's typescript (a devDependency there): the package itself has no build dependencies.
const tsc = createRequire(join(here, 'package.json')).resolve('typescript/bin/tsc');

const stamp = join(dist, '.built');
const inputs = ['src', 'package.json', 'tsconfig.json', 'tsconfig.cjs.json', 'build.mjs'].flatMap((entry) =>
  files(join(here, entry)),
);
if (
  !process.argv.includes('--force') &&
  existsSync(stamp) &&
  inputs.every((file) => statSync(file).mtimeMs <= statSync(stamp).mtimeMs)
)
  process.exit(0);

rmSync(dist, { recursive: true, force: true });
for (const project of ['tsconfig.json', 'tsconfig.cjs.json']) {
  execFileSync(process.execPath, [tsc, '-p', join(here, project)], { stdio: 'inherit' });
}
// The CommonJS files sit below a package.json of type "module"; this one makes Node load them as CommonJS.
writeFileSync(join(dist, 'cjs', 'package.json'), '{ "type": "commonjs" }\n');
copyFileSync(join(here, 'src', 'generated', 'persisted-documents.json'), join(dist, 'persisted-documents.json'));
writeFileSync(stamp, `${new Date().toISOString()}\n`);

/** A file, or every file below a folder. */
function files(path) {
  return statSync(path).isDirectory()
    ? readdirSync(path, { recursive: true })
        .map((name) => join(path, name))
        .filter((file) => statSync(file).isFile())
    : [path];
}
