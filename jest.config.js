// Jest in native ESM mode (run with NODE_OPTIONS=--experimental-vm-modules): inversify 8 and
// Middy 7 ship ESM only. ts-jest transpiles each file alone; `tsc --noEmit` does the type-check.
const tsJest = [
  'ts-jest',
  { useESM: true, tsconfig: { isolatedModules: true, module: 'NodeNext', moduleResolution: 'NodeNext' } },
];

const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': tsJest },
  testEnvironment: 'node',
};

/** Projects that use DynamoDB Local share one instance for the run (started only if one of them runs). */
const withDynamoDb = {
  ...shared,
  globalSetup: '<rootDir>/test/support/shared-dynamodb-setup.mjs',
  globalTeardown: '<rootDir>/test/support/shared-dynamodb-teardown.mjs',
};

/** @type {import('jest').Config} */
export default {
  // Integration suites start DynamoDB Local and write thousands of items; unit tests finish far sooner.
  testTimeout: 30_000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...withDynamoDb, displayName: 'contract', testMatch: ['<rootDir>/test/contract/**/*.test.ts'] },
    {
      ...withDynamoDb,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
    },
    { ...withDynamoDb, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
    { ...withDynamoDb, displayName: 'client', testMatch: ['<rootDir>/test/client/**/*.test.ts'] },
    { ...withDynamoDb, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.test.ts'] },
    { ...withDynamoDb, displayName: 'bench', testMatch: ['<rootDir>/test/bench/**/*.test.ts'] },
    { ...shared, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
    { ...shared, displayName: 'architecture', testMatch: ['<rootDir>/test/architecture/**/*.test.ts'] },
  ],
};
