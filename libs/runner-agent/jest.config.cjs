module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'runner-agent',
  rootDir: __dirname,
  // The agent talks to real local servers and a real controller; a loaded 2-core machine is slow.
  testTimeout: 60_000,
};
