#!/usr/bin/env node
// Builds one app for production: esbuild bundles apps/<app>/src/main.ts into
// dist/apps/<app>/main.js with the workspace libs (@vigil/*) inlined and every npm
// package of the root package.json left external, then writes
// dist/apps/<app>/package.json listing only the packages the bundle really imports, at
// the root's versions, and dist/apps/<app>/package-lock.json, the root lockfile pruned to
// those packages (Nx's createLockFile), so an image installs that app's dependencies and
// nothing else, at the versions the workspace was tested with (`npm ci --omit=dev`).
// Static files go along: every project in the bundle (the app or a lib it imports) may
// declare folders in its package.json, `"vigil": { "assets": [{ "from": "public", "to":
// "assets/dashboard" }] }`, copied from the project to dist/apps/<app>/<to>.
//
// usage: node tools/scripts/build-app.mjs apps/<app>
import { createProjectGraphAsync } from '@nx/devkit';
import { createLockFile } from '@nx/js';
import { build } from 'esbuild';
import { builtinModules } from 'node:module';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const appDir = process.argv[2]?.replace(/\/+$/, '');
if (!appDir || !appDir.startsWith('apps/')) {
  console.error('usage: node tools/scripts/build-app.mjs apps/<app>');
  process.exit(2);
}
const entry = join(root, appDir, 'src', 'main.ts');
if (!existsSync(entry)) {
  console.error(`build-app: ${relative(root, entry)} does not exist`);
  process.exit(1);
}

const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const appPackage = JSON.parse(readFileSync(join(root, appDir, 'package.json'), 'utf8'));
const versions = { ...rootPackage.devDependencies, ...rootPackage.dependencies };
const finalDir = join(root, 'dist', appDir);
// Built beside the output and swapped in at the end: a process running the previous build
// (an e2e test while another builds the same app) never sees a half-written folder, and a
// stale file from an earlier build (a renamed chunk, an old map) never ships.
const outDir = `${finalDir}.build-${process.pid}`;
const outfile = join(outDir, 'main.js');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const result = await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  // A package name also covers its subpaths (`@prisma/client/runtime/...`).
  external: Object.keys(versions),
  metafile: true,
  absWorkingDir: root,
  logLevel: 'warning',
});

const builtins = new Set(builtinModules);
const isBuiltin = (path) => path.startsWith('node:') || builtins.has(path) || builtins.has(path.split('/')[0]);
const packageName = (path) => path.split('/').slice(0, path.startsWith('@') ? 2 : 1).join('/');

const output = result.metafile.outputs[relative(root, outfile)];
const imported = new Set(
  output.imports.filter((i) => i.external && !isBuiltin(i.path)).map((i) => packageName(i.path)),
);
const dependencies = Object.fromEntries([...imported].sort().map((name) => [name, versions[name]]));

// Packages outside the root package.json were bundled in; that works, but the root
// should declare what the code imports, so say which ones.
const bundledPackages = new Set(
  Object.keys(result.metafile.inputs)
    .filter((input) => input.includes('node_modules/'))
    .map((input) => packageName(input.slice(input.lastIndexOf('node_modules/') + 'node_modules/'.length))),
);
if (bundledPackages.size > 0) {
  console.warn(`build-app: bundled packages the root package.json does not list: ${[...bundledPackages].sort().join(', ')}`);
}

// The workspace projects whose code is in the bundle (after tree shaking), and the static
// folders they declare.
const projects = new Set(
  [appDir, ...Object.keys(output.inputs)]
    .filter((input) => !input.includes('node_modules/') && /^(apps|libs|tools)\//.test(input))
    .map((input) => input.split('/').slice(0, 2).join('/')),
);
const copied = [];
for (const project of [...projects].sort()) {
  const manifest = join(root, project, 'package.json');
  if (!existsSync(manifest)) continue;
  for (const { from, to } of JSON.parse(readFileSync(manifest, 'utf8')).vigil?.assets ?? []) {
    const source = join(root, project, from);
    const target = resolve(outDir, to);
    if (!existsSync(source) || !target.startsWith(`${outDir}/`)) {
      console.error(`build-app: ${relative(root, manifest)} declares assets ${from} -> ${to}, which ${existsSync(source) ? 'leaves the output folder' : 'does not exist'}`);
      process.exit(1);
    }
    cpSync(source, target, { recursive: true });
    copied.push(`${project}/${from} -> ${to}`);
  }
}

const app = basename(appDir);
const bundleManifest = {
  name: appPackage.name ?? `@vigil/${app}`,
  // Each app is versioned on its own (nx release); the image carries its version.
  version: appPackage.version ?? rootPackage.version,
  private: true,
  type: 'commonjs',
  main: 'main.js',
  ...(appPackage.bin ? { bin: appPackage.bin } : {}),
  scripts: { start: 'node --enable-source-maps main.js' },
  engines: rootPackage.engines,
  dependencies,
};
writeFileSync(join(outDir, 'package.json'), `${JSON.stringify(bundleManifest, null, 2)}\n`);
// The graph's external nodes are the root lockfile's packages; the pruned lockfile keeps
// their versions and integrity, so the image cannot resolve a range to something newer.
const graph = await createProjectGraphAsync({ exitOnError: true });
writeFileSync(join(outDir, 'package-lock.json'), createLockFile(bundleManifest, graph, 'npm'));
swapInto(finalDir, outDir);
console.log(`build-app: ${relative(root, join(finalDir, 'main.js'))} (${Object.keys(dependencies).join(', ') || 'no dependencies'})`);
if (copied.length > 0) console.log(`build-app: assets ${copied.join(', ')}`);

/** Moves `staged` to `target`, the previous build out of the way first; another build's swap may land in between. */
function swapInto(target, staged) {
  const previous = `${target}.old-${process.pid}`;
  for (let attempt = 1; ; attempt++) {
    try {
      renameSync(target, previous);
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
    }
    try {
      renameSync(staged, target);
      break;
    } catch (error) {
      if (!['ENOTEMPTY', 'EEXIST'].includes(error.code) || attempt === 5) throw error;
    }
  }
  rmSync(previous, { recursive: true, force: true });
}
