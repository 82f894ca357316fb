module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'site-history',
  rootDir: __dirname,
  // Integration tests migrate a fresh database per file; a loaded 2-core machine is slow.
  testTimeout: 60_000,
};
