/**
 * Unit and synth tests. The end-to-end suites (real JupyterHub) run with jest.e2e.config.js.
 * `npm test` runs jest with --ci, so a missing golden snapshot (a new environment) fails
 * instead of being written; accept new or changed snapshots with
 * `npx jest --ci=false -u test/stacks/golden-files.test.ts`. (jest's `ci` config key does not
 * do this: its command-line default always wins.)
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
  // Transpile only (tsconfig sets isolatedModules); type-checking is `npm run typecheck`.
  transform: { '^.+\\.ts$': 'ts-jest' },
  // One synth of every environment per run, shared by the test files (test/support/synth.ts).
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};
