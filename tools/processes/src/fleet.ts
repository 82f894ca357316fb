import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiKey, createRunner } from '@vigil/contracts';
import { type ApiCall, apiClient } from './api-client';
import type { RunningService } from './service-process';
import {
  type ControllerService,
  newAdminKey,
  type RunnerIdentity,
  type ServiceOptions,
  startController,
  startEvaluator,
  startNotifier,
  startRunner,
} from './services';

export interface FleetOptions {
  readonly root: string;
  /** A migrated PostgreSQL database that every service shares. */
  readonly databaseUrl: string;
  /** Controller API instances (default 1). */
  readonly controllers?: number;
  /** The runners' slugs: each is created through the API, which answers its private key. */
  readonly runners: readonly string[];
  /** VIGIL_POLL_INTERVAL_MS of every runner (default: the runner's own, 1 s). */
  readonly pollIntervalMs?: number;
  /** VIGIL_RUNNER_STALE_AFTER_S of every controller and the evaluator (default: their own, 120 s). */
  readonly runnerStaleAfterS?: number;
  /** Where the runners poll, given the controllers (a proxy in front of them, say); the first controller by default. */
  readonly runnerControllerUrl?: (controllers: readonly ControllerService[]) => string | Promise<string>;
  /** Log level, echoed and kept lines of every service. */
  readonly logs?: Pick<ServiceOptions, 'logLevel' | 'echoLines' | 'keptLines'>;
  /**
   * Each service's DATABASE_URL names it (`application_name=vigil-controller`, …), so that
   * PostgreSQL's backends can be told apart by whom they serve (pg_stat_activity).
   */
  readonly applicationNames?: boolean;
  /** Node flags of every service (`--cpu-prof`, say). */
  readonly nodeArgs?: readonly string[];
  /** How long each service may take to answer /readyz (default 30 s; more on a loaded machine). */
  readonly readyTimeoutMs?: number;
}

/** `url` with `application_name=vigil-<service>` added. */
export function withApplicationName(url: string, service: string): string {
  const named = new URL(url);
  named.searchParams.set('application_name', `vigil-${service}`);
  return named.toString();
}

/**
 * Vigil deployed as separate processes on one PostgreSQL database: controller API instances,
 * one evaluator, one notifier and runners, each in a process of its own, set up as an
 * operator would (runners and an API key created through the management API).
 */
export interface Fleet {
  readonly controllers: readonly ControllerService[];
  readonly evaluator: RunningService;
  readonly notifier: RunningService;
  /** The runners by slug: the newest process of each. */
  readonly runners: ReadonlyMap<string, RunningService>;
  /** Where the runners poll. */
  readonly runnerControllerUrl: string;
  /** The management API of the first controller, as an API key with the read and write scopes. */
  readonly api: ApiCall;
  /** The same, as the admin key. */
  readonly admin: ApiCall;
  /** A new evaluator process (after the last one was killed). */
  restartEvaluator(): Promise<RunningService>;
  /** A new process for the runner `slug`, with the same key and the same spool. */
  restartRunner(slug: string): Promise<RunningService>;
  /** What exited that nobody stopped or killed: each one's exit and last lines. */
  unexpectedExits(): readonly string[];
  /** The last lines of every process started, living or not, for a failure message. */
  logTails(): string;
  /** Stops every process still running and removes the runners' directories. */
  stop(): Promise<void>;
}

export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const { root } = options;
  const logs = { ...options.logs, nodeArgs: options.nodeArgs, readyTimeoutMs: options.readyTimeoutMs };
  const databaseUrl = (service: string) => (options.applicationNames ? withApplicationName(options.databaseUrl, service) : options.databaseUrl);
  const started: RunningService[] = [];
  const exits: string[] = [];
  const workDir = mkdtempSync(join(tmpdir(), 'vigil-fleet-'));
  const runnerServices = new Set<RunningService>();
  const stop = async () => {
    // Runners first, while the controllers still answer: a runner's last flush then reports
    // its results instead of waiting on a controller that is going away, and it exits well
    // within the stop's 5 s (past it, SIGKILL: no --cpu-prof profile, results left in its spool).
    const stopAll = (services: RunningService[]) => Promise.all(services.map((service) => service.stop().catch(() => undefined)));
    await stopAll(started.filter((service) => runnerServices.has(service)));
    await stopAll(started.filter((service) => !runnerServices.has(service)));
    rmSync(workDir, { recursive: true, force: true });
  };
  const track = async <S extends RunningService>(starting: Promise<S>): Promise<S> => {
    const service = await starting;
    started.push(service);
    void service.crashed.then((how) => exits.push(how));
    return service;
  };

  try {
    // One admin key for all, so that the instances start together: whichever is first seeds it, the others skip the duplicate.
    // No check here names the built-in @controller location: its probing would only add load.
    const stale: Record<string, string> = options.runnerStaleAfterS === undefined ? {} : { VIGIL_RUNNER_STALE_AFTER_S: String(options.runnerStaleAfterS) };
    const vars: Record<string, string> = { VIGIL_CONTROLLER_PROBES: 'off', ...stale };
    const controllerOptions = { ...logs, vars, adminKey: newAdminKey() };
    const controllers = await Promise.all(
      Array.from({ length: options.controllers ?? 1 }, (_, i) => track(startController(root, databaseUrl('controller'), { ...controllerOptions, name: `controller ${i + 1}` }))),
    );
    const [first] = controllers;
    const admin = apiClient(first.url, first.adminKey);
    const [created, key, runnerControllerUrl] = await Promise.all([
      Promise.all(options.runners.map((slug) => admin(createRunner, { body: { slug } }))),
      admin(createApiKey, { body: { name: 'processes', scopes: ['read', 'write'] } }),
      (async () => (await options.runnerControllerUrl?.(controllers)) ?? first.url)(),
    ]);
    const identities = new Map<string, RunnerIdentity>(options.runners.map((slug, i) => [slug, { slug, privateKey: created[i].private_key }]));

    const evaluatorOptions: ServiceOptions = {
      ...logs,
      vars: stale,
    };
    const runnerProcess = (identity: RunnerIdentity) => {
      const dataDir = join(workDir, identity.slug);
      mkdirSync(dataDir, { recursive: true });
      return track(startRunner(root, runnerControllerUrl, identity, { ...logs, dataDir, pollIntervalMs: options.pollIntervalMs })).then((runner) => {
        runnerServices.add(runner);
        return runner;
      });
    };
    const [evaluator, notifier, ...runnerList] = await Promise.all([
      track(startEvaluator(root, databaseUrl('evaluator'), evaluatorOptions)),
      track(startNotifier(root, databaseUrl('notifier'), logs)),
      ...[...identities.values()].map(runnerProcess),
    ]);
    const runners = new Map(options.runners.map((slug, i) => [slug, runnerList[i]]));
    const fleet = {
      controllers,
      evaluator,
      notifier,
      runners,
      runnerControllerUrl,
      api: apiClient(first.url, key.key),
      admin,
      async restartEvaluator() {
        fleet.evaluator = await track(startEvaluator(root, databaseUrl('evaluator'), evaluatorOptions));
        return fleet.evaluator;
      },
      async restartRunner(slug: string) {
        const identity = identities.get(slug);
        if (identity === undefined) throw new Error(`no runner ${slug} in this fleet`);
        const runner = await runnerProcess(identity);
        runners.set(slug, runner);
        return runner;
      },
      unexpectedExits: () => [...exits],
      logTails: () => started.map((service) => `${service.name} (pid ${service.pid}):\n${service.logTail() || '  | (no output)'}`).join('\n'),
      stop,
    };
    return fleet;
  } catch (error) {
    await stop();
    throw error;
  }
}
