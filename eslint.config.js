// ESLint (flat config): the JS/TS recommended rules plus one import-boundary rule that enforces the layering of
// DESIGN §9. `npm run lint` (CI runs it after format:check). Formatting is Prettier's job: eslint-config-prettier
// comes last and turns off every stylistic rule that could disagree with it.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import boundaries from 'eslint-plugin-boundaries';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Import specifiers that speak GraphQL: src/upstream/ and src/cache/ may not use them. */
const graphqlModules = ['graphql', 'graphql/**', '@apollo/**', '@graphql-tools/**'];

/** Why `new GraphQLError(...)` is refused outside src/errors/, and what to use instead. */
const graphqlErrorMessage =
  '[errors-only] GraphQL errors are made in src/errors/ only: throw a SupergraphError (NotFoundError, ForbiddenError, ...) or use a factory from src/errors/ (protocolError, queryTooComplex), so every extensions.code comes from the closed set';

/**
 * The layers of DESIGN §9, as eslint-plugin-boundaries elements. Paths are from the repository root
 * (`partialMatch: false`); the first matching descriptor names a file's element, so the specific folders come
 * before the `src` catch-all (which holds src/main.ts, src/config.ts and any new top-level file or folder).
 * Folders other helpers are still creating (src/server/, packages/mlflow-emulator/) are listed already.
 */
const elements = [
  { type: 'subgraph', pattern: 'src/subgraphs/*', capture: ['subgraph'] },
  { type: 'subgraphs-shared', pattern: 'src/subgraphs' },
  { type: 'gateway', pattern: 'src/gateway' },
  { type: 'server', pattern: 'src/server' },
  { type: 'upstream', pattern: 'src/upstream' },
  { type: 'cache', pattern: 'src/cache' },
  { type: 'auth-backends', pattern: 'src/auth/backends' },
  { type: 'auth', pattern: 'src/auth' },
  { type: 'errors', pattern: 'src/errors' },
  { type: 'context', pattern: 'src/context' },
  { type: 'graphql', pattern: 'src/graphql' },
  { type: 'observability', pattern: 'src/observability' },
  // The demo emulator: src/emulator/ until it moves to its own package.
  { type: 'emulator', pattern: ['packages/mlflow-emulator', 'src/emulator'] },
  { type: 'src', pattern: 'src' },
  { type: 'client', pattern: 'packages/client' },
].map((element) => ({ ...element, partialMatch: false }));

/** Single files the policies name (elements are folders; files are classified apart). */
const files = [
  { category: 'main', pattern: 'src/main.ts' },
  { category: 'subgraph-entry', pattern: 'src/subgraphs/startSubgraph.ts' },
];

/** Every element of the server's own code (src/), for policies that apply to all of it. */
const srcElements = elements.filter(({ type }) => type !== 'client').map(({ type }) => type);

/** Shorthand: a selector for elements of these types. */
const element = (...types) => ({ element: { types: { anyOf: types } } });

/**
 * The layering as `boundaries/dependencies` policies (default allow; the last matching policy wins). Each
 * message starts with a `[layering: name]` tag so a lint error names the rule it broke.
 */
const layering = [
  {
    from: element('subgraph'),
    disallow: {
      to: { element: { type: 'subgraph', captured: { subgraph: '!{{ from.element.captured.subgraph }}' } } },
    },
    message: '[layering: subgraph-isolation] a subgraph never imports another subgraph ({{ to.element.path }})',
  },
  {
    from: element('subgraph', 'subgraphs-shared'),
    disallow: { to: element('gateway', 'server') },
    message:
      '[layering: subgraph-no-gateway] subgraphs never import the gateway or the HTTP server ({{ to.element.path }})',
  },
  {
    // The subgraph server entry, shared by every subgraph, starts an HTTP server: it alone may use src/server/.
    from: { ...element('subgraphs-shared'), file: { categories: 'subgraph-entry' } },
    allow: { to: element('server') },
  },
  {
    from: element('upstream', 'cache'),
    disallow: [
      { to: { module: { origin: 'external', source: graphqlModules } } },
      { to: element('graphql', 'subgraph', 'subgraphs-shared', 'gateway', 'server', 'errors', 'context') },
    ],
    message:
      '[layering: upstream-cache-no-graphql] src/upstream/ and src/cache/ know nothing of GraphQL nor of the request context: "{{ dependency.source }}" is not allowed here',
  },
  {
    from: element(...srcElements.filter((type) => type !== 'emulator')),
    disallow: [{ to: element('emulator') }, { to: { module: { source: '@mlflow-supergraph/mlflow-emulator' } } }],
    message: '[layering: no-emulator] production code never depends on the demo emulator ("{{ dependency.source }}")',
  },
  {
    // The demo start: `npm start` without MLFLOW_TRACKING_URI serves the emulator (a dynamic import).
    from: { file: { categories: 'main' } },
    allow: [{ to: element('emulator') }, { to: { module: { source: '@mlflow-supergraph/mlflow-emulator' } } }],
  },
  {
    from: element('auth', 'auth-backends'),
    disallow: { to: element('subgraph', 'subgraphs-shared', 'gateway', 'server') },
    message:
      '[layering: auth-below-graph] src/auth/ never imports subgraphs, the gateway or the server ({{ to.element.path }})',
  },
  {
    from: element('observability'),
    disallow: { to: element('subgraph', 'subgraphs-shared', 'gateway', 'auth-backends') },
    message:
      '[layering: observability-below-graph] src/observability/ never imports subgraphs, the gateway or the auth backends ({{ to.element.path }})',
  },
  {
    from: element(...srcElements, 'client'),
    disallow: { to: { file: { categories: 'main' } } },
    message: '[layering: no-main] src/main.ts is the process entry point: nothing below imports it',
  },
  {
    from: element('client'),
    disallow: { to: element(...srcElements) },
    message:
      '[layering: client-standalone] packages/client never imports the server\'s src/ ("{{ dependency.source }}")',
  },
];

export default defineConfig(
  // Generated or recorded files, build output, dependencies and scratch space (tmp/ is git-ignored): never linted.
  globalIgnores([
    '**/node_modules/',
    '**/dist/',
    'coverage/',
    '**/*.generated.ts',
    'packages/client/src/generated/',
    'packages/client/src/ErrorCode.ts',
    'packages/client/src/permissionLevels.ts',
    'test/conformance/corpus/',
    'bench/results/',
    'tmp/',
  ]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
      globals: { ...globals.node },
      // Type information for the promise rules below: each file's nearest tsconfig.json (root, client, examples).
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // The type-aware rules worth their cost (the whole lint takes ~15 s here): a promise nobody awaits or one
      // passed where a callback's result is ignored loses its rejection. The rest of recommendedTypeChecked is
      // left off on purpose: it reported ~1,600 problems, ~1,450 of them no-unsafe-* on JSON that tests and
      // bench walk as `any` by design, the others style (require-await on async methods that satisfy a
      // Promise-returning interface, `'*' | string` unions kept as documentation).
      '@typescript-eslint/no-floating-promises': [
        'error',
        // got's `request.on(...)` (a GotEventFunction) returns the request itself, for chaining; the caller awaits it.
        { allowForKnownSafeCalls: [{ from: 'package', package: 'got', name: 'GotEventFunction' }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // A leading underscore marks a parameter or binding kept for its position or to omit it from a rest.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    // Plain JS (configs, the lock-file fixer, the Jest reporter) is in no tsconfig: no type information there.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // DESIGN §9: only src/errors/ makes GraphQL errors, so every code comes from the closed set (src/errors/ErrorCode.ts)
    // and a client-facing message is written where the masking rules live.
    files: ['src/**'],
    ignores: ['src/errors/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...[
          "NewExpression[callee.name='GraphQLError']",
          "NewExpression[callee.property.name='GraphQLError']",
          "ClassDeclaration[superClass.name='GraphQLError']",
        ].map((selector) => ({ selector, message: graphqlErrorMessage })),
      ],
    },
  },
  {
    // Tests and benchmarks walk GraphQL/REST JSON responses as `any` on purpose (the assertions are the types).
    files: ['test/**', 'bench/**', 'packages/*/test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Benchmark scripts use async event listeners; a rejection there is unhandled and ends the run, as it should.
    files: ['bench/**'],
    rules: { '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }] },
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': elements,
      'boundaries/files': files,
      // Re-exports and the demo's dynamic import cross layers too.
      'boundaries/dependency-nodes': ['import', 'export', 'dynamic-import'],
      'boundaries/legacy-templates': false,
      // Sources import './x.js' (nodenext): the TypeScript resolver maps that to the .ts file on disk.
      'import/resolver': {
        typescript: { project: ['tsconfig.json', 'packages/*/tsconfig.json'], noWarnOnMultipleProjects: true },
      },
    },
    rules: {
      // checkAllOrigins: also check imports of packages (graphql, @apollo/*), not only local files.
      'boundaries/dependencies': ['error', { default: 'allow', checkAllOrigins: true, policies: layering }],
    },
  },
  prettier,
);
