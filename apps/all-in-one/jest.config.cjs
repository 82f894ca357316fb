module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'all-in-one',
  rootDir: __dirname,
  // The integration suite builds the bundle and runs it twice; a loaded 2-core machine is slow.
  testTimeout: 180_000,
};
