#!/usr/bin/env node
import { run } from './cli';
import { processEnv } from './config';

void run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: processEnv() }).then((code) => {
  // exitCode rather than exit(): stdout may still be flushing into a pipe.
  process.exitCode = code;
});
