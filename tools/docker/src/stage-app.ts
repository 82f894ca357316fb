import { chmodSync, cpSync, mkdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { basename, join, posix } from 'node:path';
import type { Env } from '@vigil/config';
import { containerBaseEnv, hostEnv } from './config';
import { copyPaths, imageCommand, type Instruction, parseEnv, parseHealthcheck } from './dockerfile';
import { type AppImage, relativeToWorkdir } from './image';
import { run } from './processes';
import { ROOT } from './workspace';

/** An app laid out as its image would have it, on this machine. */
export interface StagedApp {
  app: string;
  /** The image's WORKDIR. */
  dir: string;
  /** The image's ENV, container paths mapped into the staging directory. */
  env: Env;
  /** ENTRYPOINT + CMD. */
  command: string[];
  /** ENTRYPOINT alone: what arguments given to `docker run` follow. */
  entrypoint: string[];
  /** The HEALTHCHECK command, null for HEALTHCHECK NONE. */
  healthcheck: string[] | null;
  /** Maps a container path (`/var/lib/vigil`) to where it is here. */
  hostPath(containerPath: string): string;
}

export type Log = (line: string) => void;

/**
 * How the image's `npm ci --omit=dev` is replayed. `npm`: run it (--prefer-offline),
 * 10 to 50 s an app on a loaded machine. `link`: link each package the build's package.json
 * lists, and nothing else, from the workspace's node_modules after checking it is the
 * lockfile's version; main.js can then resolve exactly the packages the image would have.
 */
export type InstallMode = 'npm' | 'link';

/** The build stage, done here: the Dockerfile's RUN of the Nx build command, in the checkout (already installed and generated). */
export async function buildApp(image: AppImage, log: Log): Promise<void> {
  log(`${image.app}: ${image.buildRun.args}`);
  await run(`build ${image.app}`, ['/bin/sh', '-c', image.buildRun.args], { cwd: ROOT, env: hostEnv() });
}

/**
 * The runtime stage, replayed instruction by instruction into `into`: COPY (from the
 * repository, or from the build output for --from), RUN (the commands below only: any
 * other fails, so the image and this replay cannot drift apart silently), ENV,
 * WORKDIR, and the command and health check it ends with.
 */
export async function stageApp(image: AppImage, into: string, log: Log, install: InstallMode = 'npm'): Promise<StagedApp> {
  const dir = join(into, 'app');
  const filesystem = join(into, 'fs');
  const runtime = image.runtime;
  let workdir = '/';
  const created = new Set<string>();
  const hostPath = (containerPath: string): string => {
    const absolute = posix.resolve(workdir, containerPath);
    if (absolute === image.outputDir || absolute.startsWith(`${image.outputDir}/`)) return join(dir, posix.relative(image.outputDir, absolute));
    return join(filesystem, absolute);
  };
  const env: Env = {};
  mkdirSync(dir, { recursive: true });

  for (const instruction of runtime.instructions) {
    switch (instruction.keyword) {
      case 'WORKDIR':
        workdir = posix.resolve(workdir, instruction.args);
        mkdirSync(hostPath(workdir), { recursive: true });
        break;
      case 'COPY':
        copy(image, instruction, hostPath);
        break;
      case 'ENV':
        Object.assign(env, parseEnv(instruction.args));
        break;
      case 'RUN':
        for (const command of instruction.args.split(/\s*&&\s*/)) await runStep(image.app, instruction, command, { dir, hostPath, created, log, install });
        break;
      default:
        // USER, EXPOSE, ARG, HEALTHCHECK, CMD, ENTRYPOINT: read below or meaningless outside a container.
        break;
    }
  }
  if (posix.resolve(workdir) !== image.outputDir) throw new Error(`${image.app}: the image must run in the build output directory (${image.outputDir}), not ${workdir}`);
  // A path the image made (`install -d`) is where it is here.
  for (const [name, value] of Object.entries(env)) if (value !== undefined && created.has(value)) env[name] = hostPath(value);
  const healthcheck = runtime.instructions.filter((i) => i.keyword === 'HEALTHCHECK').at(-1);
  return {
    app: image.app,
    dir,
    env: { ...containerBaseEnv(), ...env },
    command: imageCommand(runtime),
    entrypoint: imageCommand({ ...runtime, instructions: runtime.instructions.filter((i) => i.keyword !== 'CMD') }),
    healthcheck: healthcheck ? parseHealthcheck(healthcheck).command : null,
    hostPath,
  };
}

function copy(image: AppImage, instruction: Instruction, hostPath: (path: string) => string): void {
  const from = instruction.flags['from'];
  const { sources, dest } = copyPaths(instruction);
  for (const source of sources) {
    let path: string;
    if (from === undefined) path = join(ROOT, source);
    else {
      if (from !== image.build.name) throw new Error(`${image.app}: line ${instruction.line}: only --from=${image.build.name} can be replayed`);
      const relative = relativeToWorkdir(image.build, source);
      if (relative === undefined) throw new Error(`${image.app}: line ${instruction.line}: ${source} is outside the build stage's WORKDIR`);
      path = join(ROOT, relative);
    }
    const target = hostPath(dest);
    // Docker copies a directory's contents, and a file into a destination ending in /.
    if (statSync(path).isDirectory()) cpSync(path, target, { recursive: true });
    else {
      const file = dest.endsWith('/') ? join(target, basename(path)) : target;
      mkdirSync(join(file, '..'), { recursive: true });
      cpSync(path, file);
    }
  }
}

async function runStep(
  app: string,
  instruction: Instruction,
  command: string,
  context: { dir: string; hostPath: (path: string) => string; created: Set<string>; log: Log; install: InstallMode },
): Promise<void> {
  const install = /^npm ci (--omit=dev\b.*)$/.exec(command);
  if (install && context.install === 'link') {
    context.log(`${app}: linking the dependencies of package.json from the workspace`);
    linkDependencies(context.dir);
    return;
  }
  if (install) {
    context.log(`${app}: npm ci ${install[1]}`);
    // --prefer-offline: the packages of one app are mostly in this machine's npm cache already (~7 s an app instead of ~20).
    await run(`npm ci (${app})`, ['npm', 'ci', ...install[1].split(/\s+/), '--prefer-offline'], { cwd: context.dir, env: hostEnv() });
    return;
  }
  // The image empties its npm cache to stay small; here the cache is this machine's.
  if (/^npm cache clean\b/.test(command)) return;
  // System packages: the image's own apt lists are fetched and emptied; here the host has the packages (.ci/run installs them).
  if (/^apt-get update$/.test(command) || command === 'rm -rf /var/lib/apt/lists/*') return;
  const packages = /^apt-get install -y --no-install-recommends ((?:[a-z0-9][a-z0-9+.-]* ?)+)$/.exec(command);
  if (packages) {
    for (const name of packages[1].trim().split(' ')) {
      context.log(`${app}: ${name} (a system package) must be on this machine, as in the image`);
      const status = await run(`dpkg-query ${name} (${app})`, ['dpkg-query', '-W', `-f=$\{Status}`, name], { cwd: context.dir, env: hostEnv() });
      if (!status.includes('install ok installed')) throw new Error(`${app}: line ${instruction.line}: the system package ${name} is not installed on this machine (${status.trim()})`);
    }
    return;
  }
  const directory = /^install -d((?: -[ogm] \S+)*) (\/\S+)$/.exec(command);
  if (directory) {
    const path = context.hostPath(directory[2]);
    mkdirSync(path, { recursive: true });
    // -m: the folder's mode (the data dir is 0700); it is inside this smoke's own staging folder.
    const mode = /-m (\d+)/.exec(directory[1]);
    if (mode) chmodSync(path, Number.parseInt(mode[1], 8));
    context.created.add(directory[2]);
    return;
  }
  throw new Error(`${app}: line ${instruction.line}: the smoke cannot replay RUN ${command}; teach stage-app.ts what it does`);
}

interface Lockfile {
  packages: Record<string, { version?: string }>;
}

function linkDependencies(dir: string): void {
  const { dependencies = {} } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as Lockfile;
  const rootPackage = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  for (const [name, range] of Object.entries(dependencies)) {
    // The image resolves the range itself; only a runtime dependency of the root is sure to be there and installed by npm ci.
    if (rootPackage.dependencies?.[name] !== range) throw new Error(`${name}@${range} is not a dependency of the root package.json (${rootPackage.dependencies?.[name] ?? 'absent'})`);
    const installed = join(ROOT, 'node_modules', name);
    const { version } = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { version: string };
    const locked = lock.packages[`node_modules/${name}`]?.version;
    if (version !== locked) throw new Error(`node_modules/${name} is ${version}, the lockfile says ${locked}: run npm install`);
    mkdirSync(join(dir, 'node_modules', name, '..'), { recursive: true });
    symlinkSync(installed, join(dir, 'node_modules', name), 'dir');
  }
}
