module.exports = {
  ...require('../../jest.e2e-preset.cjs'),
  displayName: 'docker:e2e',
  rootDir: __dirname,
  // The smoke test builds every app, installs each one's production dependencies and starts them: minutes on 2 loaded cores.
  testTimeout: 300_000,
};
