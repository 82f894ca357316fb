#!/usr/bin/env node
// Prints the totals of the last `npm test` (its `test` and `e2e` targets) as one plain line, `N passed, N failed, N skipped`,
// the failed tests with the head of their message, and the ten slowest test files, from the files tools/scripts/jest-results-reporter.cjs wrote; exits 1 on any failure or on no test.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = process.env.TEST_RESULTS_DIR ?? join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'tmp', 'test-results');
const files = existsSync(dir) ? readdirSync(dir, { recursive: true }).filter((f) => f.endsWith('.json')) : [];
const totals = { passed: 0, failed: 0, skipped: 0, failedSuites: 0 };
const timed = [];
const failedTests = [];
for (const file of files.sort()) {
  const r = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  for (const key of Object.keys(totals)) totals[key] += r[key];
  const flag = r.failed || r.failedSuites ? '  <- FAILED' : '';
  const label = r.target && r.target !== 'test' ? `${r.project} (${r.target})` : r.project;
  console.log(`  ${label.padEnd(28)} ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped${flag}`);
  for (const suite of r.failures) console.log(`      ${suite}`);
  failedTests.push(...(r.failedTests ?? []));
  timed.push(...(r.files ?? []));
}
if (timed.length > 0) {
  console.log('the ten slowest test files:');
  for (const { file, seconds } of timed.sort((a, b) => b.seconds - a.seconds).slice(0, 10)) console.log(`  ${seconds.toFixed(1).padStart(6)} s  ${file}`);
}
if (failedTests.length > 0) {
  console.log('the failed tests:');
  for (const { file, name, message } of failedTests) {
    console.log(`  ✕ ${name}  (${file})`);
    for (const line of message) console.log(`      ${line}`);
  }
}
// A suite that failed to load has no failed test: count it, or it would vanish from the line.
const failed = totals.failed + (totals.failed === 0 ? totals.failedSuites : 0);
console.log(`${totals.passed} passed, ${failed} failed, ${totals.skipped} skipped`);
process.exit(failed > 0 || totals.passed === 0 ? 1 : 0);
