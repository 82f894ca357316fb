module.exports = { ...require('../../jest.e2e-preset.cjs'), displayName: 'cli:e2e', rootDir: __dirname, testTimeout: 60_000 };
