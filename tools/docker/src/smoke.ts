import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Env } from '@vigil/config';
import { until } from '@vigil/testing';
import { readCompose } from './compose';
import { readAppImage } from './image';
import { type Child, freePort, start } from './processes';
import { buildApp, type InstallMode, type Log, type StagedApp, stageApp } from './stage-app';

/** The apps the smoke builds and starts. */
export const SMOKE_APPS = ['controller-api', 'evaluator', 'notifier', 'cli', 'runner', 'all-in-one'] as const;
export type SmokeApp = (typeof SMOKE_APPS)[number];

export type SmokeDatabase = { kind: 'postgres'; url: string } | { kind: 'embedded' };

export interface SmokeResult {
  /** What each step did, in order: `migrate: exit 0`, `controller-api: healthy`… */
  steps: string[];
  /** The runner as the controller's API shows it after the runner polled. */
  runner: { slug: string; last_seen_at: string | null };
}

/**
 * Builds each app and lays it out as its image does, under `workDir/<app>`. The apps are built
 * and staged side by side, as `docker compose build` builds the images: each build writes its own
 * dist/apps/<app>, and an `npm install` mostly waits, which the other builds use.
 */
export async function prepareApps(
  workDir: string,
  log: Log,
  installMode: (app: SmokeApp) => InstallMode = () => 'npm',
): Promise<Map<SmokeApp, StagedApp>> {
  // Settled, all of them, before a failure is thrown: none may still write into workDir when the caller removes it.
  const prepared = await Promise.allSettled(
    SMOKE_APPS.map(async (app) => {
      const image = readAppImage(app);
      await buildApp(image, log);
      return [app, await stageApp(image, join(workDir, app), log, installMode(app))] as const;
    }),
  );
  return new Map(
    prepared.map((outcome) => {
      if (outcome.status === 'rejected') throw outcome.reason;
      return outcome.value;
    }),
  );
}

const HEALTHY_WITHIN_MS = 60_000;
const HEALTHCHECK_EVERY_MS = 300;

/**
 * Starts the staged apps as compose does, on `database`: the migrate one-shot, the
 * controller API, then (PostgreSQL only: the embedded database serves one process) the
 * evaluator and the notifier; a runner key from the CLI, and a runner with it; on the
 * embedded database, then the all-in-one. Each must pass its image's health check and stop
 * with exit code 0 on SIGTERM.
 */
export async function runSmoke(staged: Map<SmokeApp, StagedApp>, database: SmokeDatabase, workDir: string, log: Log): Promise<SmokeResult> {
  const get = (app: SmokeApp): StagedApp => {
    const found = staged.get(app);
    if (!found) throw new Error(`${app} was not prepared`);
    return found;
  };
  const steps: string[] = [];
  const step = (line: string) => {
    steps.push(line);
    log(line);
  };
  const running: Child[] = [];
  const dataDir = (name: string) => {
    const dir = join(workDir, `${database.kind}-${name}-data`);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  const databaseEnv: Env =
    database.kind === 'postgres' ? { DATABASE_URL: database.url } : { VIGIL_DATA_DIR: dataDir('controller') };
  // On PostgreSQL the controller and the notifier need one data key (the embedded database makes its own).
  const secretKeyEnv: Env = database.kind === 'postgres' ? { VIGIL_SECRET_KEY: randomBytes(32).toString('base64') } : {};
  const adminKey = `vk_${randomBytes(20).toString('hex')}`;

  /** Starts the app and waits for its health check; the caller says so (steps keep their order when apps start together). */
  const launch = async (name: string, app: SmokeApp, env: Env, argv?: string[]): Promise<Child> => {
    const staging = get(app);
    const child = start(name, argv ?? staging.command, { cwd: staging.dir, env: { ...staging.env, ...env } });
    running.push(child);
    await waitHealthy(child, staging, env);
    return child;
  };

  try {
    // The compose file's own migrate command, in the controller API's image.
    const migrateArgv = readCompose().services['migrate'].command as string[];
    const controller = get('controller-api');
    const migrate = start('migrate', migrateArgv, { cwd: controller.dir, env: { ...controller.env, ...databaseEnv } });
    const migrated = await migrate.exited;
    if (migrated !== 0) throw new Error(`migrate exited with ${migrated}:\n${migrate.output()}`);
    if (!/applied \d+ migration/.test(migrate.output())) throw new Error(`migrate did not say what it applied:\n${migrate.output()}`);
    step('migrate: exit 0');

    const port = await freePort();
    const controllerUrl = `http://127.0.0.1:${port}`;
    await launch('controller-api', 'controller-api', { ...databaseEnv, ...secretKeyEnv, VIGIL_MIGRATE: 'off', VIGIL_ADMIN_KEY: adminKey, PORT: String(port), HOST: '127.0.0.1' });
    step('controller-api: healthy');
    // Ready only with every migration applied: the migrate service did it, not this process.
    await expectStatus(`${controllerUrl}/readyz`, 200);
    step('controller-api: ready');

    if (database.kind === 'postgres') {
      // Side by side: compose starts them together, once the database is migrated.
      const apps = ['evaluator', 'notifier'] as const;
      const metricsPorts = [String(await freePort()), String(await freePort())];
      await Promise.all(
        apps.map((app, i) => launch(app, app, { ...databaseEnv, ...(app === 'notifier' ? secretKeyEnv : {}), VIGIL_MIGRATE: 'off', METRICS_PORT: metricsPorts[i] })),
      );
      for (const [i, app] of apps.entries()) {
        step(`${app}: healthy`);
        await expectStatus(`http://127.0.0.1:${metricsPorts[i]}/readyz`, 200);
      }
    }

    const slug = `smoke-${randomBytes(3).toString('hex')}`;
    const keyFile = join(workDir, `${database.kind}-${slug}.pem`);
    const cli = get('cli');
    const created = start('cli', [...cli.entrypoint, 'runners', 'create', slug, '--key-file', keyFile], {
      cwd: cli.dir,
      env: { ...cli.env, VIGIL_URL: controllerUrl, VIGIL_API_KEY: adminKey },
    });
    if ((await created.exited) !== 0) throw new Error(`vigil runners create failed:\n${created.output()}`);
    step('cli: runners create: exit 0');

    const runnerPort = String(await freePort());
    await launch('runner', 'runner', {
      VIGIL_CONTROLLER_URL: controllerUrl,
      VIGIL_RUNNER_SLUG: slug,
      VIGIL_RUNNER_KEY_FILE: keyFile,
      METRICS_PORT: runnerPort,
      VIGIL_POLL_INTERVAL_MS: '200',
      VIGIL_DATA_DIR: dataDir('runner'),
    });
    step('runner: healthy');
    let runner: SmokeResult['runner'] = { slug, last_seen_at: null };
    await until(
      async () => {
        await sleep(HEALTHCHECK_EVERY_MS);
        const response = await fetch(`${controllerUrl}/api/v1/runners/${slug}`, { headers: { authorization: `Bearer ${adminKey}` } });
        runner = (await response.json()) as SmokeResult['runner'];
        return runner.last_seen_at !== null;
      },
      'the runner to poll the controller with its key',
      HEALTHY_WITHIN_MS,
    );
    step('runner: polled the controller');

    await stopAll(running, step);

    if (database.kind === 'embedded') {
      // On the controller's data directory, now free and migrated: an embedded database serves one process at a time.
      const allInOnePort = String(await freePort());
      await launch('all-in-one', 'all-in-one', { ...databaseEnv, PORT: allInOnePort, HOST: '127.0.0.1' });
      step('all-in-one: healthy');
      await expectStatus(`http://127.0.0.1:${allInOnePort}/readyz`, 200);
      await stopAll(running, step);
    }
    return { steps, runner };
  } finally {
    for (const child of running) if (child.exitCode() === undefined) child.process.kill('SIGKILL');
  }
}

/** SIGTERM to each running child, newest first as compose stops dependents first; each must exit 0. */
async function stopAll(running: Child[], step: (line: string) => void): Promise<void> {
  for (const child of [...running].reverse()) {
    if (child.exitCode() !== undefined) continue;
    child.process.kill('SIGTERM');
    const code = await Promise.race([child.exited, sleep(20_000, 'still running after 20 s', { ref: false })]);
    if (code !== 0) throw new Error(`${child.name} did not stop cleanly on SIGTERM (${code}):\n${child.output()}`);
    step(`${child.name}: SIGTERM, exit 0`);
  }
}

/** The image's HEALTHCHECK, run as Docker does (in the WORKDIR, with the container's environment) until it passes. */
async function waitHealthy(child: Child, staged: StagedApp, env: Env): Promise<void> {
  const command = staged.healthcheck;
  if (!command) throw new Error(`${staged.app} has no health check to wait for`);
  try {
    await until(
      async () => {
        if (child.exitCode() !== undefined) throw new Error(`exited with ${child.exitCode()}`);
        await sleep(HEALTHCHECK_EVERY_MS);
        const probe = start(`${staged.app} healthcheck`, command, { cwd: staged.dir, env: { ...staged.env, ...env } });
        return (await probe.exited) === 0;
      },
      `${child.name}'s health check`,
      HEALTHY_WITHIN_MS,
    );
  } catch (error) {
    throw new Error(`${child.name} never became healthy: ${(error as Error).message}\n${child.output()}`);
  }
}

async function expectStatus(url: string, status: number): Promise<void> {
  const response = await fetch(url);
  if (response.status !== status) throw new Error(`GET ${url}: ${response.status}, expected ${status}: ${await response.text()}`);
}
