module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'all-in-one',
  rootDir: __dirname,
  // The demo seed's tests migrate a fresh database each; a loaded 2-core machine is slow.
  testTimeout: 60_000,
};
