module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'reports',
  rootDir: __dirname,
  collectCoverage: true,
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.spec.ts', '!src/index.ts', '!src/testing/**'],
  coverageThreshold: { global: { lines: 95 } },
};
