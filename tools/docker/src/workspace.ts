import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The first ancestor with nx.json: this code also runs bundled, from tmp/run-ts. */
function workspaceRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no nx.json above ${__dirname}`);
  }
}

/** The repository: the Docker build context of every image. */
export const ROOT = workspaceRoot();
export const DOCKER_DIR = join(ROOT, 'docker');

/** The apps, by folder name: each has an Nx `build` target and must have an image. */
export function appNames(): string[] {
  return readdirSync(join(ROOT, 'apps'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(ROOT, 'apps', entry.name, 'package.json')))
    .map((entry) => entry.name)
    .sort();
}

export interface BuildTarget {
  /** The project's name, `@vigil/<app>`. */
  project: string;
  /** The shell command the target runs from the workspace root. */
  command: string;
  /** Its outputs, relative to the workspace root (`dist/apps/<app>`). */
  outputs: string[];
}

interface AppPackage {
  name: string;
  nx?: { targets?: { build?: { options?: { command?: string }; outputs?: string[] } } };
}

/** The app's Nx build target, as its package.json declares it. */
export function buildTarget(app: string): BuildTarget {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'apps', app, 'package.json'), 'utf8')) as AppPackage;
  const build = pkg.nx?.targets?.build;
  const command = build?.options?.command;
  if (!build || !command || !build.outputs?.length) throw new Error(`apps/${app}/package.json declares no build target with a command and outputs`);
  return {
    project: pkg.name,
    command,
    outputs: build.outputs.map((output) => output.replace(/^\{workspaceRoot\}\//, '')),
  };
}

export function dockerfilePath(app: string): string {
  return join(DOCKER_DIR, `${app}.Dockerfile`);
}
