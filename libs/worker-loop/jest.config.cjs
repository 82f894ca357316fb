module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'worker-loop',
  rootDir: __dirname,
};
