// Jest runs the TypeScript sources as native ESM (node --experimental-vm-modules), compiled by swc.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  // One run covers the server's tests and the emulator package's own (packages/mlflow-emulator/test).
  roots: ['<rootDir>/test', '<rootDir>/packages/mlflow-emulator/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  // Sources import './x.js' (nodenext); map that back to the .ts file on disk.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { target: 'es2022', parser: { syntax: 'typescript' }, keepClassNames: true },
        module: { type: 'es6' },
        sourceMaps: 'inline',
      },
    ],
  },
  setupFiles: ['<rootDir>/test/setupEnv.ts'],
  reporters: ['default', '<rootDir>/test/summaryReporter.js'],
  testTimeout: 30000,
  // Integration suites start servers on port 0; two workers match the two cores here.
  maxWorkers: 2,
  // Each suite leaves ~25 MB behind in its worker (servers' module graphs, swc's caches): a worker past 1 GB is
  // replaced between suites, so a growing suite count never runs a worker out of heap.
  workerIdleMemoryLimit: '1GB',
};
