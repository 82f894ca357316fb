import base from '../../eslint.config.mjs';

// The browser modules are type-checked with both DOM and Node types (one tsconfig for the
// lib); this keeps Node's globals and modules out of them.
export default [
  ...base,
  {
    files: ['public/**/*.js'],
    rules: {
      'no-restricted-globals': ['error', 'process', 'require', 'module', 'exports', 'Buffer', 'global', '__dirname', '__filename'],
      'no-restricted-imports': ['error', { patterns: ['node:*', '@vigil/*', 'express'] }],
    },
  },
];
