module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'rollups',
  rootDir: __dirname,
  collectCoverage: true,
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.spec.ts', '!src/index.ts'],
  coverageThreshold: { global: { lines: 95 } },
};
