#!/usr/bin/env node
// Prints the apps released on HEAD as JSON for a GitHub Actions job matrix: one entry per git tag
// on HEAD that nx release made for an app (nx.json `release.releaseTag.pattern`, e.g.
// `@vigil/runner@0.2.0`) and whose image has a Dockerfile:
//   [{ "app": "runner", "version": "0.2.0", "dockerfile": "docker/runner.Dockerfile" }]
// Apps come from apps/*/package.json and Dockerfiles from docker/, so a new app needs no edit here.
//
// usage: node tools/scripts/release-matrix.mjs [<tag>...]   (tags given replace HEAD's)
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const readJson = (path) => JSON.parse(readFileSync(join(root, path), 'utf8'));

const pattern = readJson('nx.json').release?.releaseTag?.pattern;
if (!pattern?.includes('{projectName}') || !pattern.includes('{version}')) {
  console.error('release-matrix: nx.json release.releaseTag.pattern must contain {projectName} and {version}');
  process.exit(2);
}
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const tagPattern = new RegExp(
  `^${pattern
    .split(/(\{projectName\}|\{version\})/)
    .map((part) =>
      part === '{projectName}' ? '(?<project>.+)' : part === '{version}' ? '(?<version>\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.-]+)?)' : escape(part),
    )
    .join('')}$`,
);

// Package name (the Nx project name) -> app folder.
const apps = new Map(
  readdirSync(join(root, 'apps'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, 'apps', entry.name, 'package.json')))
    .map((entry) => [readJson(join('apps', entry.name, 'package.json')).name, entry.name]),
);

const tags =
  process.argv.length > 2
    ? process.argv.slice(2)
    : execFileSync('git', ['tag', '--points-at', 'HEAD'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);

const matrix = tags
  .map((tag) => tag.match(tagPattern)?.groups)
  .filter((groups) => groups && apps.has(groups.project))
  .map(({ project, version }) => ({ app: apps.get(project), version, dockerfile: `docker/${apps.get(project)}.Dockerfile` }))
  .filter(({ dockerfile }) => existsSync(join(root, dockerfile)))
  .sort((a, b) => a.app.localeCompare(b.app));

console.log(JSON.stringify(matrix));
