module.exports = { ...require('../../jest.preset.cjs'), displayName: 'runner', rootDir: __dirname };
