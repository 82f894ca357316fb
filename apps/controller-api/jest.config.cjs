module.exports = { ...require('../../jest.preset.cjs'), displayName: 'controller-api', rootDir: __dirname };
