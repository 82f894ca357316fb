module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'db',
  rootDir: __dirname,
  // Integration tests open databases; PGlite start-up dominates, so allow for it.
  testTimeout: 60_000,
};
