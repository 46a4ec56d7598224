// test/unit mirrors src/ (test/README.md): a unit test of src/<dir>/<File>.ts is test/unit/<dir>/<File>.test.ts
// or <File>.<aspect>.test.ts. This test holds the tree to that rule, so a test cannot drift into a folder of its
// own (test/unit/registry/ for src/subgraphs/registry/) or outlive a module that moved.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const unitDir = join(root, 'test/unit');
const srcDir = join(root, 'src');

/**
 * Folders of test/unit that mirror something other than src/: each is tested against what it names, not src/.
 */
const NON_SRC_ROOTS: Record<string, string> = {
  bench: 'bench/ (the benchmark and soak scripts)',
  client: 'packages/client/ (its own package)',
  deploy: 'Dockerfile, deploy/ and tsconfig.build.json: files, no src module',
  lint: 'eslint.config.js (the import-boundary rule)',
  schema: 'schema/*.graphql (the SDL contract itself)',
};

/** Test files that name no module on purpose, each with its reason. */
const ALLOWED = new Set([
  'layout.test.ts', // this test: it checks test/unit itself
]);

/** Every *.test.ts below `dir`, as a path relative to test/unit with '/' separators. */
function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.ts') ? [relative(unitDir, path).split('\\').join('/')] : [];
  });
}

/**
 * What is wrong with the place of each test (paths relative to test/unit): a test under one of src/'s top-level
 * folders, or directly in test/unit, must name an existing src module by its file name up to the first '.'.
 */
function layoutProblems(files: string[], srcHas: (path: string) => boolean, srcDirs: Set<string>): string[] {
  const problems: string[] = [];
  for (const file of files) {
    if (ALLOWED.has(file)) continue;
    const segments = file.split('/');
    const name = segments.pop() as string;
    const top = segments[0];
    if (top !== undefined && !srcDirs.has(top)) {
      if (!(top in NON_SRC_ROOTS))
        problems.push(
          `test/unit/${file}: ${top}/ is neither a folder of src/ nor a listed non-src root (move the test under the src/ folder of its module)`,
        );
      continue;
    }
    const module = [...segments, `${name.split('.')[0]}.ts`].join('/');
    if (!srcHas(module)) problems.push(`test/unit/${file}: no src/${module} (move the test or the module)`);
  }
  return problems;
}

const srcDirs = new Set(readdirSync(srcDir).filter((name) => statSync(join(srcDir, name)).isDirectory()));
const srcHas = (path: string) => existsSync(join(srcDir, path));

describe('test/unit mirrors src/', () => {
  it('has every unit test next to the src module it names', () => {
    const files = testFiles(unitDir);
    expect(files.length).toBeGreaterThan(50);
    expect(layoutProblems(files, srcHas, srcDirs)).toEqual([]);
  });

  it('reports a misplaced test, and a folder that mirrors nothing', () => {
    expect(
      layoutProblems(
        ['upstream/Nope.test.ts', 'registry/filters.test.ts', 'nope.test.ts', 'cache/MemoryCache.extra.test.ts'],
        srcHas,
        srcDirs,
      ),
    ).toEqual([
      'test/unit/upstream/Nope.test.ts: no src/upstream/Nope.ts (move the test or the module)',
      'test/unit/registry/filters.test.ts: registry/ is neither a folder of src/ nor a listed non-src root (move the test under the src/ folder of its module)',
      'test/unit/nope.test.ts: no src/nope.ts (move the test or the module)',
    ]);
  });

  it('lists only non-src roots that exist in test/unit and are not src/ folders', () => {
    for (const name of Object.keys(NON_SRC_ROOTS)) {
      expect(srcDirs.has(name)).toBe(false);
      expect(existsSync(join(unitDir, name))).toBe(true);
    }
  });
});
