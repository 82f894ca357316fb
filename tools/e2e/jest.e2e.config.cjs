module.exports = {
  ...require('../../jest.e2e-preset.cjs'),
  displayName: 'e2e:e2e',
  rootDir: __dirname,
  // Whole deployments as separate processes, a browser, evaluators killed mid-work: a loaded 2-core machine is slow.
  testTimeout: 120_000,
};
