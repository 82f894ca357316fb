#!/usr/bin/env node
import { usePrivateUmask } from '@vigil/config';
import { run } from './cli';
import { processEnv } from './config';

// Before anything writes a file (the embedded database, a runner's key, an export): private to this user.
usePrivateUmask();

void run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: processEnv() }).then((code) => {
  // exitCode rather than exit(): stdout may still be flushing into a pipe.
  process.exitCode = code;
});
