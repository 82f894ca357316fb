module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'controller-api',
  rootDir: __dirname,
  // Integration suites open databases; a loaded 2-core machine needs more than Jest's 5 s.
  testTimeout: 60_000,
};
