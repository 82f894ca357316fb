module.exports = { ...require('../../jest.preset.cjs'), displayName: 'processes', rootDir: __dirname };
