// Shared Jest settings of the `e2e` targets: cross-process, browser and Docker tests
// (`*.e2e-spec.ts`), run by `nx e2e` as a step of their own, not by `nx test`. Each project's
// jest.e2e.config.cjs spreads this. Results go to tmp/test-results/<package>.e2e.json, beside
// the `test` target's, so that .ci/run's totals and slowest files cover both.
const path = require('node:path');

module.exports = {
  ...require('./jest.preset.cjs'),
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  reporters: ['default', [path.join(__dirname, 'tools', 'scripts', 'jest-results-reporter.cjs'), { target: 'e2e' }]],
};
