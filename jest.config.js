// Two projects: fast unit tests beside the code, e2e tests in test/ against real PostgreSQL/Redis.
const swc = [
  '@swc/jest',
  JSON.parse(require('node:fs').readFileSync(`${__dirname}/.swcrc`, 'utf8')),
];

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 120000,
  // Used with --coverage (CI runs `npm test -- --coverage`): every source file counts, tested or
  // not, and the run fails below 80 % of lines.
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.spec.ts', '!src/**/*.spec-support.ts'],
  coverageReporters: ['text-summary', 'json-summary', 'lcov'],
  coverageThreshold: { global: { lines: 80 } },
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/src'],
      testMatch: ['**/*.spec.ts'],
      transform: { '^.+\\.ts$': swc },
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
      transform: { '^.+\\.ts$': swc },
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
