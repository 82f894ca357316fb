module.exports = {
  ...require('../../jest.e2e-preset.cjs'),
  displayName: 'all-in-one:e2e',
  rootDir: __dirname,
  // The suite builds the bundle and runs it twice; a loaded 2-core machine is slow.
  testTimeout: 180_000,
};
