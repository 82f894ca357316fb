module.exports = { ...require('../../jest.preset.cjs'), displayName: 'logger', rootDir: __dirname };
