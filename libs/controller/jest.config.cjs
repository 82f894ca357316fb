module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'controller',
  rootDir: __dirname,
};
