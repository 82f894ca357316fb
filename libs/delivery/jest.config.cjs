module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'delivery',
  rootDir: __dirname,
  // Senders talk to real local servers and databases the tests start; a loaded 2-core machine is slow.
  testTimeout: 60_000,
};
