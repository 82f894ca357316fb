module.exports = { ...require('../../jest.preset.cjs'), displayName: 'workspace', rootDir: __dirname, testTimeout: 120_000 };
