// Shared Jest settings. Every project's jest.config.cjs spreads this.
const fs = require('node:fs');
const path = require('node:path');

// Jest cannot `require` ESM-only packages on Node 20, so exactly the installed
// packages whose package.json says "type": "module" are transformed (got and its
// dependencies), instead of being mocked away.
function esmOnlyPackages() {
  const root = path.join(__dirname, 'node_modules');
  const names = [];
  const consider = (name, dir) => {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
      if (pkg.type === 'module') names.push(name);
    } catch {
      /* not a package */
    }
  };
  for (const entry of fs.readdirSync(root)) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) {
      for (const sub of fs.readdirSync(path.join(root, entry))) consider(`${entry}/${sub}`, path.join(root, entry, sub));
    } else {
      consider(entry, path.join(root, entry));
    }
  }
  return names;
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const esm = esmOnlyPackages().filter((n) => !n.startsWith('@vigil/'));

module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/src/**/*.integration-spec.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  transform: {
    '^.+\\.(ts|mts|cts|js|mjs|cjs)$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esm.map(escape).join('|')})/)`],
  coverageReporters: ['text-summary', 'json-summary'],
  // Migrates the test databases' template and snapshot once per run (libs/db/src/testing/template.ts).
  globalSetup: path.join(__dirname, 'libs', 'db', 'src', 'testing', 'global-setup.ts'),
  reporters: ['default', path.join(__dirname, 'tools', 'scripts', 'jest-results-reporter.cjs')],
};
