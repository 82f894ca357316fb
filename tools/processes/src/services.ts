import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMBEDDED_NODE_ARGS, EMBEDDED_PROCESS_ENV } from '@vigil/db';
import { RUNNER_NODE_ARGS } from '@vigil/runner-agent';
import { serviceEnvironment } from './config';
import { type RunningService, type ServiceApp, startServiceProcess } from './service-process';

export const CONTROLLER_API: ServiceApp = { name: 'controller', project: '@vigil/controller-api', main: 'dist/apps/controller-api/main.js' };
export const EVALUATOR: ServiceApp = { name: 'evaluator', project: '@vigil/evaluator', main: 'dist/apps/evaluator/main.js' };
export const NOTIFIER: ServiceApp = { name: 'notifier', project: '@vigil/notifier', main: 'dist/apps/notifier/main.js' };
export const RUNNER: ServiceApp = { name: 'runner', project: '@vigil/runner', main: 'dist/apps/runner/main.js' };
export const ALL_IN_ONE: ServiceApp = { name: 'all-in-one', project: '@vigil/all-in-one', main: 'dist/apps/all-in-one/main.js' };

/**
 * The data key of the fleets this process starts: the controller and the notifier of one database
 * must share it (each test database gets its secrets sealed under it; a restart finds it again).
 */
export const FLEET_SECRET_KEY = randomBytes(32).toString('base64');

/** What every service start takes besides its own settings. */
export interface ServiceOptions {
  /** What messages call it; the app's name by default. */
  readonly name?: string;
  /** Its VIGIL_DATA_DIR; when omitted, a fresh temporary directory removed once it has exited. */
  readonly dataDir?: string;
  /** More variables (or other values for the ones set here). */
  readonly vars?: Readonly<Record<string, string>>;
  /** LOG_LEVEL (default warn: what goes wrong, not every event). */
  readonly logLevel?: string;
  readonly nodeArgs?: readonly string[];
  /** Lines of output echoed to stderr as they come (default 20). */
  readonly echoLines?: number;
  /** Lines kept for logTail() (default 30). */
  readonly keptLines?: number;
  /** Another bundle of the same app (a profiling build, say). */
  readonly main?: string;
  /** How long it may take to answer /readyz (default 30 s). */
  readonly readyTimeoutMs?: number;
}

async function start(root: string, app: ServiceApp, options: ServiceOptions, vars: (port: number) => Record<string, string>): Promise<RunningService> {
  const ownDir = options.dataDir === undefined ? mkdtempSync(join(tmpdir(), `vigil-${app.name}-`)) : undefined;
  const removeOwnDir = () => {
    if (ownDir !== undefined) rmSync(ownDir, { recursive: true, force: true });
  };
  const service = await startServiceProcess({
    root,
    app: options.main === undefined ? app : { ...app, main: options.main },
    name: options.name,
    nodeArgs: options.nodeArgs,
    echoLines: options.echoLines,
    keptLines: options.keptLines,
    readyTimeoutMs: options.readyTimeoutMs,
    env: (port) =>
      serviceEnvironment({
        VIGIL_DATA_DIR: options.dataDir ?? ownDir ?? '',
        LOG_LEVEL: options.logLevel ?? 'warn',
        LOG_FORMAT: 'pretty',
        NODE_ENV: 'production',
        // Every stand-in target and receiver of the fleets listens on loopback, which the egress
        // policy denies by default: the fleets allow it explicitly, nothing else changes for them.
        VIGIL_EGRESS_ALLOW: 'loopback',
        ...vars(port),
        ...options.vars,
      }),
  }).catch((error: unknown) => {
    removeOwnDir();
    throw error;
  });
  return {
    ...service,
    stop: async () => {
      await service.stop();
      removeOwnDir();
    },
    kill: async (signal) => {
      const how = await service.kill(signal);
      removeOwnDir();
      return how;
    },
  };
}

/**
 * Both services' garbage collection on their main thread (`--single-threaded-gc`): by default V8
 * scavenges in parallel and marks concurrently on helper threads, 20–30 % of the controller's and
 * the evaluator's CPU on a 2-core machine, and handing the work over cost more than it saved. In
 * four paired steady runs (2,000 checks) the controller spent 0.185 ms per check against 0.197,
 * the evaluator 0.161 against 0.168 (three pairs of four lower for each), at the same rate.
 */
const SINGLE_THREADED_GC = '--single-threaded-gc';

/**
 * The controller API's Node flags, as its image and `npm run start:controller-api` set them: a
 * young generation of up to 32 MB a semi-space scavenges less often, for 2–9 % less CPU per
 * stored result in a steady run (each scavenge costs what survives, and a request's objects die
 * young); and SINGLE_THREADED_GC.
 */
export const CONTROLLER_NODE_ARGS: readonly string[] = ['--max-semi-space-size=32', SINGLE_THREADED_GC];

/** The evaluator's Node flags, as its image and `npm run start:evaluator` set them: SINGLE_THREADED_GC. */
export const EVALUATOR_NODE_ARGS: readonly string[] = [SINGLE_THREADED_GC];

/** A new admin API key, for VIGIL_ADMIN_KEY. */
export const newAdminKey = (): string => `vk_test_${randomBytes(16).toString('hex')}`;

export interface ControllerService extends RunningService {
  /** The admin API key it seeded (VIGIL_ADMIN_KEY). */
  readonly adminKey: string;
}

/**
 * The built controller API in its own process on 127.0.0.1 (a free port) against
 * `databaseUrl`, which must be migrated already, with an admin key (`adminKey`, or a new one).
 */
export async function startController(
  root: string,
  databaseUrl: string,
  options: ServiceOptions & { readonly adminKey?: string } = {},
): Promise<ControllerService> {
  const adminKey = options.adminKey ?? newAdminKey();
  const launch = { ...options, nodeArgs: [...CONTROLLER_NODE_ARGS, ...(options.nodeArgs ?? [])] };
  const service = await start(root, CONTROLLER_API, launch, (port) => ({
    DATABASE_URL: databaseUrl,
    HOST: '127.0.0.1',
    PORT: String(port),
    VIGIL_MIGRATE: 'off',
    VIGIL_ADMIN_KEY: adminKey,
    VIGIL_SECRET_KEY: FLEET_SECRET_KEY,
    // Fleets and benchmarks drive the management API with one key far beyond a person's pace.
    VIGIL_RATE_LIMIT_API: 'off',
  }));
  return { ...service, adminKey };
}

/** The built evaluator in its own process against `databaseUrl`, its /readyz on a free metrics port. */
export function startEvaluator(root: string, databaseUrl: string, options: ServiceOptions = {}): Promise<RunningService> {
  const launch = { ...options, nodeArgs: [...EVALUATOR_NODE_ARGS, ...(options.nodeArgs ?? [])] };
  return start(root, EVALUATOR, launch, (port) => ({ DATABASE_URL: databaseUrl, METRICS_PORT: String(port), VIGIL_MIGRATE: 'off' }));
}

/** The built notifier in its own process against `databaseUrl`, its /readyz on a free metrics port. */
export function startNotifier(root: string, databaseUrl: string, options: ServiceOptions = {}): Promise<RunningService> {
  return start(root, NOTIFIER, options, (port) => ({
    DATABASE_URL: databaseUrl,
    METRICS_PORT: String(port),
    VIGIL_MIGRATE: 'off',
    VIGIL_SECRET_KEY: FLEET_SECRET_KEY,
  }));
}

export interface RunnerIdentity {
  readonly slug: string;
  /** PKCS#8 PEM, as creating the runner through the API answered it. */
  readonly privateKey: string;
}

/**
 * The built runner in its own process, polling `controllerUrl` as `runner.slug`. Its spool is
 * in its data directory: pass `dataDir` to keep it across a restart.
 */
export function startRunner(
  root: string,
  controllerUrl: string,
  runner: RunnerIdentity,
  options: ServiceOptions & { readonly pollIntervalMs?: number } = {},
): Promise<RunningService> {
  // Started as `npm run start:runner` starts it (its heap settings), so that what is measured is what runs.
  const launch = { name: `runner ${runner.slug}`, ...options, nodeArgs: [...RUNNER_NODE_ARGS, ...(options.nodeArgs ?? [])] };
  return start(root, RUNNER, launch, (port) => ({
    VIGIL_CONTROLLER_URL: controllerUrl,
    VIGIL_RUNNER_SLUG: runner.slug,
    VIGIL_RUNNER_KEY: runner.privateKey,
    METRICS_PORT: String(port),
    ...(options.pollIntervalMs === undefined ? {} : { VIGIL_POLL_INTERVAL_MS: String(options.pollIntervalMs) }),
  }));
}

/**
 * The built all-in-one in its own process on 127.0.0.1 (a free port), on its embedded database
 * in its data directory (a fresh one unless `dataDir` is given), with an admin key. Migrating a
 * new embedded database is slow: it gets 90 s to be ready unless told otherwise. Started as
 * `npm start` starts it (its memory settings), so that what is measured is what runs.
 */
export async function startAllInOne(root: string, options: ServiceOptions & { readonly adminKey?: string } = {}): Promise<ControllerService> {
  const adminKey = options.adminKey ?? newAdminKey();
  const launch = { ...options, nodeArgs: [...EMBEDDED_NODE_ARGS, ...(options.nodeArgs ?? [])], readyTimeoutMs: options.readyTimeoutMs ?? 90_000 };
  const service = await start(root, ALL_IN_ONE, launch, (port) => ({
    ...EMBEDDED_PROCESS_ENV,
    HOST: '127.0.0.1',
    PORT: String(port),
    VIGIL_ADMIN_KEY: adminKey,
    VIGIL_SECRET_KEY: FLEET_SECRET_KEY,
    VIGIL_RATE_LIMIT_API: 'off',
  }));
  return { ...service, adminKey };
}
