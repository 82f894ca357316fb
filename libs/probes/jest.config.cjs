module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'probes',
  rootDir: __dirname,
  // Probes talk to real local servers the tests start; a loaded 2-core machine is slow.
  testTimeout: 30_000,
};
