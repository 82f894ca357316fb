module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'docker',
  rootDir: __dirname,
  // The smoke test builds every app, installs each one's production dependencies and starts them: minutes on 2 loaded cores.
  testTimeout: 300_000,
};
