#!/usr/bin/env node
// `postinstall`: generates the Prisma client into libs/db/src/generated, offline.
// The Prisma CLI insists on a schema-engine binary even though generation runs
// on WebAssembly; where the native engine is absent, it is pointed at a stand-in.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
const enginesDir = join(root, 'node_modules', '@prisma', 'engines');
const nativeEngine = existsSync(enginesDir) && readdirSync(enginesDir).some((f) => f.startsWith('schema-engine'));
if (!env.PRISMA_SCHEMA_ENGINE_BINARY && !nativeEngine) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = join(root, 'tools', 'scripts', 'no-schema-engine.sh');
}
const prisma = join(root, 'node_modules', '.bin', 'prisma');
if (!existsSync(prisma)) {
  console.error('prisma-generate: the prisma package is not installed; run npm install');
  process.exit(1);
}
const result = spawnSync(prisma, ['generate', '--no-hints'], { cwd: root, env, stdio: 'inherit' });
process.exit(result.status ?? 1);
