#!/usr/bin/env node
// npm run test:affected [-- <base>]: lint, test and e2e-test the projects a change touches,
// against origin/main (or main where there is no remote) unless a base is given.
import { execFileSync, spawnSync } from 'node:child_process';

function exists(ref) {
  try {
    execFileSync('git', ['rev-parse', '--verify', '--quiet', ref], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const base = process.argv[2] ?? (exists('origin/main') ? 'origin/main' : 'main');
if (!exists(base)) {
  console.error(`test:affected: no such git ref "${base}"; usage: npm run test:affected [-- <base-ref>]`);
  process.exit(2);
}
console.log(`affected since ${base}:`);
const run = spawnSync('npx', ['nx', 'affected', '-t', 'lint', 'test', 'e2e', `--base=${base}`, '--output-style=static'], {
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
