/** End-to-end suites against real components started on loopback (see .ci/run). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  testTimeout: 600000,
  maxWorkers: 1,
};
