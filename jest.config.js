// Jest runs in native ESM mode (see docs/decisions/esm.md): inversify 8 is ESM-only
// and Node 20's jest cannot require() ESM. ts-jest transpiles each file on its own
// (isolatedModules, read from tsconfig.json); `npm run typecheck` does the type checking once for the whole tree.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  setupFiles: ['<rootDir>/test/setup.ts'],
  moduleNameMapper: {
    '^tfjs-solver$': '<rootDir>/src/index.ts',
    '^tfjs-solver/node$': '<rootDir>/src/node.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testTimeout: 60000,
};
