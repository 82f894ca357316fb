module.exports = { ...require('../../jest.preset.cjs'), displayName: 'evaluator', rootDir: __dirname };
