module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'e2e',
  rootDir: __dirname,
  // Whole scenarios: a controller on PGlite, a runner, outages of a second or two; a loaded 2-core machine is slow.
  testTimeout: 120_000,
};
