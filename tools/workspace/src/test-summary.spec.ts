import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');
const reporter = join(root, 'tools', 'scripts', 'jest-results-reporter.cjs');
const summary = join(root, 'tools', 'scripts', 'test-summary.mjs');

/** Runs Jest on one file in a project of its own with the results reporter writing to `results`. */
function runJest(project: string, results: string) {
  const config = { rootDir: project, testEnvironment: 'node', testMatch: ['**/*.check.js'], reporters: [[reporter, { dir: results }]] };
  writeFileSync(join(project, 'jest.config.json'), JSON.stringify(config));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: '@vigil/summary-fixture' }));
  return spawnSync(process.execPath, [require.resolve('jest/bin/jest'), '-c', join(project, 'jest.config.json')], { cwd: project, encoding: 'utf8' });
}

describe('the CI totals (test-summary.mjs over the results reporter)', () => {
  let project: string;
  let results: string;
  beforeEach(() => {
    project = mkdtempSync(join(tmpdir(), 'vigil-summary-'));
    results = join(project, 'results');
  });
  afterEach(() => rmSync(project, { recursive: true, force: true }));

  it('names each failed test with the head of its message, and exits 1', () => {
    writeFileSync(
      join(project, 'windows.check.js'),
      `describe('windows', () => {
         it('passes', () => expect(1).toBe(1));
         it('accepts the longest window', () => expect(422).toBe(201));
       });`,
    );
    runJest(project, results);
    const printed = spawnSync(process.execPath, [summary], { env: { ...process.env, TEST_RESULTS_DIR: results }, encoding: 'utf8' });
    expect(printed.status).toBe(1);
    expect(printed.stdout).toMatch(/@vigil\/summary-fixture +1 passed, 1 failed, 0 skipped {2}<- FAILED/);
    expect(printed.stdout).toMatch(/✕ windows accepts the longest window {2}\(.*windows\.check\.js\)/);
    expect(printed.stdout).toMatch(/Expected: 201\s+Received: 422/);
    expect(printed.stdout.includes('\u001b[')).toBe(false); // no colours
    expect(printed.stdout).not.toMatch(/^\s+at /m); // no stack
    expect(printed.stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 1 failed, 0 skipped');
  });

  it('prints no failed tests and exits 0 when everything passed', () => {
    writeFileSync(join(project, 'ok.check.js'), `it('passes', () => expect(1).toBe(1));`);
    runJest(project, results);
    const printed = spawnSync(process.execPath, [summary], { env: { ...process.env, TEST_RESULTS_DIR: results }, encoding: 'utf8' });
    expect([printed.status, printed.stdout.includes('the failed tests')]).toEqual([0, false]);
  });
});
