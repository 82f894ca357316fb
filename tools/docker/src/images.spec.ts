import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { httpEnv, loadConfig } from '@vigil/config';
import { EMBEDDED_NODE_ARGS, EMBEDDED_PROCESS_ENV } from '@vigil/db';
import { RUNNER_NODE_ARGS } from '@vigil/runner-agent';
import { appVariables } from './config-names';
import { copyPaths, imageCommand, type Instruction, parseHealthcheck, stageEnv, stageWorkdir } from './dockerfile';
import { entryOf, readAppImage, relativeToWorkdir, scriptOf } from './image';
import { appNames, dockerfilePath, ROOT } from './workspace';

const apps = appNames();
/** Apps without a server: a command line has nothing for a health check to probe. */
const COMMANDS = new Set(['cli']);

function instructions(app: string, keyword: string): Instruction[] {
  return readAppImage(app).runtime.instructions.filter((i) => i.keyword === keyword);
}

/** The port an app serves /healthz on when nothing is set: PORT's default, else the METRICS_DEFAULT_PORT in its config.ts. */
function defaultHealthPort(app: string): { variable: string; port: number } {
  if (appVariables(app).has('PORT')) return { variable: 'PORT', port: loadConfig(httpEnv, {}).PORT };
  const match = /METRICS_DEFAULT_PORT = (\d+)/.exec(readFileSync(join(ROOT, 'apps', app, 'src', 'config.ts'), 'utf8'));
  if (!match) throw new Error(`apps/${app}/src/config.ts has no METRICS_DEFAULT_PORT`);
  return { variable: 'METRICS_PORT', port: Number(match[1]) };
}

describe('the Docker images', () => {
  it('exist for every app', () => {
    expect(apps.filter((app) => !existsSync(dockerfilePath(app)))).toEqual([]);
    expect(apps).toEqual(expect.arrayContaining(['cli', 'controller-api', 'evaluator', 'notifier', 'runner']));
  });

  it('leave dependencies, build output, data and caches out of the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['**/node_modules', 'dist', '.data', 'tmp', '.nx', 'docker/secrets', 'docker/.env']) expect(ignored).toContain(entry);
  });
});

describe.each(['runner', 'controller-api', 'all-in-one'])('docker/%s.Dockerfile, whose app runs probes', (app) => {
  it("installs the system's ping for icmp checks in the runtime stage", () => {
    const runs = instructions(app, 'RUN').map((i) => i.args);
    expect(runs).toContainEqual(expect.stringMatching(/\bapt-get install -y --no-install-recommends iputils-ping\b/));
  });
});

describe.each(apps)('docker/%s.Dockerfile', (app) => {
  it('builds in one stage and runs from another, every stage on Node 24 slim', () => {
    const { dockerfile, build, runtime } = readAppImage(app);
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    expect(build).not.toBe(runtime);
    for (const stage of dockerfile.stages) expect(stage.from).toMatch(/^node:24[^:]*-slim$/);
  });

  it('builds with the Nx build target command, after installing the workspace from its lockfile with npm ci', () => {
    const { build, buildRun, target } = readAppImage(app);
    expect(buildRun.args).toBe(target.command);
    const runs = build.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(runs.filter((run) => /\bnpm (install|i)\b/.test(run))).toEqual([]);
    const install = runs.findIndex((run) => run.startsWith('npm ci --ignore-scripts'));
    expect(install).toBeGreaterThanOrEqual(0);
    expect(install).toBeLessThan(runs.indexOf(target.command));
  });

  it('copies only paths that exist: in the repository, or the build output of an earlier stage', () => {
    const { dockerfile, target } = readAppImage(app);
    const missing: string[] = [];
    dockerfile.stages.forEach((stage, index) => {
      for (const copy of stage.instructions.filter((i) => i.keyword === 'COPY')) {
        const from = copy.flags['from'];
        for (const source of copyPaths(copy).sources) {
          if (from === undefined) {
            if (!existsSync(join(ROOT, source))) missing.push(`line ${copy.line}: ${source}`);
            continue;
          }
          const fromIndex = dockerfile.stages.findIndex((s) => s.name === from);
          const relative = fromIndex >= 0 && fromIndex < index ? relativeToWorkdir(dockerfile.stages[fromIndex], source) : undefined;
          const built = target.outputs.some((output) => relative === output || relative?.startsWith(`${output}/`));
          const ok = relative !== undefined && (relative === '.' || built || existsSync(join(ROOT, relative)));
          if (!ok) missing.push(`line ${copy.line}: --from=${from} ${source}`);
        }
      }
    });
    expect(missing).toEqual([]);
  });

  it('runs the main.js of the Nx build output, as a non-root user, in production mode', () => {
    const image = readAppImage(app);
    expect(scriptOf(image)).toBe(entryOf(image));
    expect(image.outputDir).toBe(stageWorkdir(image.runtime));
    const user = instructions(app, 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user);
    expect(stageEnv(image.runtime)['NODE_ENV']).toBe('production');
  });

  it("installs with npm ci only the production dependencies the build's package.json and lockfile list, before copying the code", () => {
    const image = readAppImage(app);
    const steps = image.runtime.instructions.filter((i) => i.keyword === 'COPY' || i.keyword === 'RUN');
    expect(steps.filter((i) => i.keyword === 'RUN' && /\bnpm (install|i)\b/.test(i.args))).toEqual([]);
    const install = steps.findIndex((i) => i.keyword === 'RUN' && /^npm ci --omit=dev\b/.test(i.args));
    expect(install).toBeGreaterThan(0);
    const before = steps.slice(0, install).filter((i) => i.keyword === 'COPY');
    // Only the manifest and its lockfile precede the install, so a code change reuses the dependency layer.
    const output = image.target.outputs[0];
    expect(before.flatMap((copy) => copyPaths(copy).sources.map((source) => relativeToWorkdir(image.build, source)))).toEqual([
      `${output}/package.json`,
      `${output}/package-lock.json`,
    ]);
  });

  it('has the migrations next to main.js when it opens the database', () => {
    const copies = instructions(app, 'COPY').map(copyPaths);
    const hasMigrations = copies.some(({ sources, dest }) => sources[0] === 'prisma/migrations' && dest.replace(/\/$/, '') === './prisma/migrations');
    expect(hasMigrations).toBe(appVariables(app).has('DATABASE_URL'));
  });

  it('declares a health check on the /healthz the app serves (with node: slim images have no curl)', () => {
    const healthchecks = instructions(app, 'HEALTHCHECK').map(parseHealthcheck);
    expect(healthchecks).toHaveLength(1);
    if (COMMANDS.has(app)) {
      expect(healthchecks[0].command).toBeNull();
      return;
    }
    const { variable, port } = defaultHealthPort(app);
    expect(healthchecks[0].command).toEqual(['node', 'healthcheck.cjs', variable, String(port)]);
    expect(instructions(app, 'EXPOSE').map((i) => i.args)).toEqual([String(port)]);
    const copies = instructions(app, 'COPY').map(copyPaths);
    expect(copies).toContainEqual({ sources: ['docker/healthcheck.cjs'], dest: './' });
  });

  it('makes its data dir 0700 and the user it runs as its owner (a new volume takes both)', () => {
    const dataDir = stageEnv(readAppImage(app).runtime)['VIGIL_DATA_DIR'];
    expect(dataDir).toBe('/var/lib/vigil');
    const user = instructions(app, 'USER').at(-1)?.args;
    expect(instructions(app, 'RUN').map((i) => i.args)).toContainEqual(`install -d -m 0700 -o ${user} -g ${user} ${dataDir}`);
  });

  it('bounds the runner heap as the benchmark measured it', () => {
    const nodeOptions = stageEnv(readAppImage(app).runtime)['NODE_OPTIONS'];
    if (app === 'runner') expect(nodeOptions).toBe(RUNNER_NODE_ARGS.join(' '));
    else expect(nodeOptions).toBeUndefined();
  });

  it('starts the all-in-one with the memory bounds npm start sets', () => {
    const { runtime } = readAppImage(app);
    const env = stageEnv(runtime);
    const command = imageCommand(runtime);
    for (const [name, value] of Object.entries(EMBEDDED_PROCESS_ENV)) expect(env[name]).toBe(app === 'all-in-one' ? value : undefined);
    // Node's own flags: before the script, or they would be the script's arguments.
    if (app === 'all-in-one') expect(command.slice(0, command.indexOf('main.js'))).toEqual(expect.arrayContaining([...EMBEDDED_NODE_ARGS]));
    else for (const flag of EMBEDDED_NODE_ARGS) expect(command).not.toContain(flag);
  });

  it('has a command that names its own app', () => {
    expect(imageCommand(readAppImage(app).runtime)).toContain('main.js');
  });
});
