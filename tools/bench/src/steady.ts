import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { CONTROLLER_LOCATION, createApiKey, createCheck, createSite, listChecks } from '@vigil/contracts';
import { connectPostgres } from '@vigil/db';
import type { Client } from 'pg';
import {
  ALL_IN_ONE,
  type ApiCall,
  ApiCallError,
  apiClient,
  buildApp,
  CONTROLLER_API,
  listAll,
  EVALUATOR,
  NOTIFIER,
  RUNNER,
  startAllInOne,
  startFleet,
  withApplicationName,
  workspaceRoot,
} from '@vigil/processes';
import { optionsOrExit } from './args';
import { BenchFailure, Cleanup, orBenchFailure, runWithCleanup } from './cleanup';
import { readBenchConfig } from './config';
import { prepareServiceBench } from './service-bench';
import { checkTarget, cloneSiteChecks } from './steady-database';
import { fetchMetrics, metricSum } from './steady-metrics';
import { type Form, parseSteadyArgs, STEADY_USAGE, type SteadyOptions } from './steady-options';
import { clockTicksPerSecond } from './steady-proc';
import { type FormMeasurement, formatFormReport } from './steady-report';
import { BENCH_SERVICE, cpuOver, findPostmaster, type NodeProcess, partsOf, POSTGRES_BACKGROUND, type PostgresView, type Snapshot, snapshot } from './steady-sample';
import { type CountingTarget, startCountingTarget } from './steady-target';

export async function runSteadyBenchmark(args: readonly string[]): Promise<void> {
  const config = readBenchConfig();
  const options = optionsOrExit('steady', STEADY_USAGE, () => parseSteadyArgs(args, config.BENCH_DATABASE_URL));
  if (options === undefined) return;
  await runWithCleanup('steady', 'stopping the services, removing the data directory and dropping the scratch database', async (cleanup) => {
    const ticksPerSecond = clockTicksPerSecond();
    for (const form of options.forms) {
      // Each form alone on the machine: the one before is stopped before the next starts.
      const own = new Cleanup();
      cleanup.add(`the ${form} form`, () => own.run());
      const measured = await (form === 'services' ? servicesForm : allInOneForm)(options, ticksPerSecond, own);
      await own.run();
      if (measured !== undefined) console.log(`\n${formatFormReport(measured).join('\n')}\n`);
    }
  });
}

const RUNNER_SLUG = 'steady-1';
const CHECKS_PER_SITE = 100;
/** Requests in flight while creating the checks: enough to keep the controller busy, not so many that it queues. */
const CREATE_CONCURRENCY = 8;
/** The all-in-one queues them on its one database connection: fewer, so that each answers within the client's timeout. */
const CREATE_CONCURRENCY_ALL_IN_ONE = 4;
/** Tries of a creation that timed out (a loaded machine): each looks first whether the last one was done after all. */
const CREATE_TRIES = 5;
/** After start-up, before the idle floor: the services' first sweeps and JIT are not their idle cost. */
const SETTLE_SECONDS = 5;
/** A service's start on a machine shared with other jobs can outlast the usual 30 s. */
const READY_TIMEOUT_MS = 120_000;
/** How often the CPU is sampled within a window. */
const SAMPLE_MS = 1000;

const elapsed = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** Runs `task(i)` for i in 0..n-1, `concurrency` at a time. */
async function pool(n: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(n, concurrency) }, worker));
}

/**
 * `create()`, again while it times out (status 0) and `exists()` says the last try was not
 * done after all: a creation retried blindly could make a second check.
 */
async function createOnce(create: () => Promise<unknown>, exists: () => Promise<boolean>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await create();
      return;
    } catch (error) {
      if (!timedOut(error) || attempt === CREATE_TRIES) throw error;
    }
    if (await whileTimedOut(exists)) return;
  }
}

const timedOut = (error: unknown): boolean => error instanceof ApiCallError && error.status === 0;

/** `call()`, again while it times out, up to CREATE_TRIES times. */
async function whileTimedOut<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!timedOut(error) || attempt === CREATE_TRIES) throw error;
    }
  }
}

/**
 * N http checks on the target, each on a path of its own, 100 to a site, through the management
 * API; with `bulk` (the services form's --create sql) only each site's first, the others copied in SQL.
 */
async function createChecks(api: ApiCall, target: CountingTarget, options: SteadyOptions, location: string, bulk?: Client): Promise<void> {
  const started = performance.now();
  const concurrency = location === CONTROLLER_LOCATION ? CREATE_CONCURRENCY_ALL_IN_ONE : CREATE_CONCURRENCY;
  const siteCount = Math.ceil(options.checks / CHECKS_PER_SITE);
  const sites: string[] = [];
  await pool(siteCount, concurrency, (i) =>
    createOnce(
      async () => {
        sites[i] = (await api(createSite, { body: { name: `Steady ${i + 1}` } })).id;
      },
      // An empty site made twice costs nothing: the one answered is used.
      async () => false,
    ),
  );
  const viaApi = bulk === undefined ? options.checks : siteCount;
  await pool(viaApi, concurrency, (j) => {
    const i = bulk === undefined ? j : j * CHECKS_PER_SITE;
    const siteId = sites[Math.floor(i / CHECKS_PER_SITE)];
    const name = `steady ${i + 1}`;
    const create = () =>
      api(createCheck, {
        body: {
          site_id: siteId,
          name,
          type: 'http',
          target: checkTarget(target.url, i + 1),
          interval_s: options.intervalS,
          timeout_ms: Math.min(5_000, options.intervalS * 500),
          locations: [location],
          failing_locations_threshold: 1,
        },
      });
    return createOnce(create, async () => (await listAll(api, listChecks, { query: { site_id: siteId } })).some((check) => check.name === name));
  });
  const copied = bulk === undefined ? 0 : await cloneSiteChecks(bulk, target.url, options.checks, CHECKS_PER_SITE);
  const seconds = (performance.now() - started) / 1000;
  const how = bulk === undefined ? `through the API (${concurrency} at a time)` : `${viaApi} through the API, ${copied.toLocaleString('en-US')} copied from them in SQL`;
  console.log(`${options.checks.toLocaleString('en-US')} checks on ${siteCount} sites created ${how} in ${seconds.toFixed(1)} s (${Math.round(options.checks / seconds)}/s)`);
}

/** Sleeps `seconds`, failing the bench at once if a service exits meanwhile; calls `each` every second or so. */
async function watch(seconds: number, exits: () => readonly string[], each?: () => Promise<void>): Promise<void> {
  const until = performance.now() + seconds * 1000;
  for (;;) {
    const gone = exits();
    if (gone.length > 0) throw new BenchFailure(gone.join('\n'));
    const left = until - performance.now();
    if (left <= 0) return;
    await sleep(Math.min(SAMPLE_MS, left));
    if (performance.now() < until) await each?.();
  }
}

/**
 * Snapshots of the CPU over `seconds`: the first, one every second or so (a pool closes idle
 * backends: what one used before it went is kept), the last.
 */
async function sampleCpu(rig: Rig, seconds: number): Promise<Snapshot[]> {
  const snapshots = [await snapshot(rig.nodes, rig.postgres)];
  await watch(seconds, rig.exits, async () => {
    snapshots.push(await snapshot(rig.nodes, rig.postgres));
  });
  snapshots.push(await snapshot(rig.nodes, rig.postgres));
  return snapshots;
}

interface Rig {
  readonly nodes: readonly NodeProcess[];
  readonly postgres: PostgresView | undefined;
  readonly order: readonly string[];
  readonly ticksPerSecond: number;
  readonly exits: () => readonly string[];
}

/** Every part's CPU over `seconds` with nothing to do. */
async function idleFloor(rig: Rig, seconds: number): Promise<{ seconds: number; cpuSeconds: number }> {
  await watch(SETTLE_SECONDS, rig.exits);
  const cpu = cpuOver(await sampleCpu(rig, seconds), rig.ticksPerSecond, rig.order);
  const cpuSeconds = [...cpu.parts.values()].reduce((sum, s) => sum + s, 0);
  const byPart = [...cpu.parts].map(([part, used]) => `${part} ${(used / cpu.seconds).toFixed(3)}`).join(', ');
  console.log(`idle floor: ${(cpuSeconds / cpu.seconds).toFixed(3)} core over ${cpu.seconds.toFixed(1)} s with zero checks (${byPart})`);
  return { seconds: cpu.seconds, cpuSeconds };
}

async function warmUp(rig: Rig, options: SteadyOptions): Promise<void> {
  console.log(`warming up for ${options.warmupSeconds} s, then measuring ${options.windowSeconds} s…`);
  await watch(options.warmupSeconds, rig.exits);
}

/** Measures the window: CPU by part, RSS, the probes the target received. */
async function steadyWindow(rig: Rig, target: CountingTarget, options: SteadyOptions) {
  const probesBefore = target.received.total;
  const snapshots = await sampleCpu(rig, options.windowSeconds);
  const probes = target.received.total - probesBefore;
  const [start, end] = [snapshots[0], snapshots[snapshots.length - 1]];
  const cpu = cpuOver(snapshots, rig.ticksPerSecond, rig.order);
  const notes =
    cpu.exited > 0 ? [`${cpu.exited} process(es) exited in the window (backends closed by a pool): counted up to the last sample that saw them (every ${SAMPLE_MS / 1000} s)`] : [];
  return {
    windowSeconds: cpu.seconds,
    parts: partsOf(cpu, rig.nodes),
    probes,
    probesPerSecond: target.received.range(start.atMs, end.atMs),
    benchCpuSeconds: cpu.benchSeconds,
    notes,
    fromMs: start.atMs,
    toMs: end.atMs,
  };
}

function cpuProfArgs(options: SteadyOptions): string[] | undefined {
  if (options.cpuProfDir === undefined) return undefined;
  const dir = resolve(options.cpuProfDir);
  mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', '--cpu-prof-dir', dir];
}

async function startTarget(cleanup: Cleanup): Promise<CountingTarget> {
  const target = await startCountingTarget();
  cleanup.add('closing the target', target.close);
  console.log(`target: ${target.url} (every check probes a path of its own, answered 200 and counted)`);
  return target;
}

/** undefined with --checks 0: the idle floor was all there was to measure. */
async function servicesForm(options: SteadyOptions, ticksPerSecond: number, cleanup: Cleanup): Promise<FormMeasurement | undefined> {
  console.log('— services on PostgreSQL —');
  const { root, database } = await prepareServiceBench('steady', [CONTROLLER_API, EVALUATOR, NOTIFIER, RUNNER], options, cleanup);
  const target = await startTarget(cleanup);
  const started = performance.now();
  const nodeArgs = cpuProfArgs(options);
  const fleet = await orBenchFailure(startFleet({ root, databaseUrl: database.url, runners: [RUNNER_SLUG], applicationNames: true, nodeArgs, readyTimeoutMs: READY_TIMEOUT_MS }));
  cleanup.add('stopping the services', fleet.stop);
  console.log(`services: controller API, evaluator, notifier, runner ${RUNNER_SLUG} (own processes, default settings), ready in ${elapsed(started)}`);

  const client = await connectPostgres(withApplicationName(database.url, BENCH_SERVICE));
  cleanup.add('closing the bench connection', () => client.end());
  const postmasterPid = await findPostmaster(client);
  if (postmasterPid === undefined) {
    throw new BenchFailure(`PostgreSQL's processes are not visible in this machine's /proc (a server in a container or elsewhere?): its CPU cannot be measured`);
  }
  const runner = fleet.runners.get(RUNNER_SLUG);
  if (runner === undefined) throw new BenchFailure(`no runner ${RUNNER_SLUG} in the fleet`);
  const services = ['controller', 'evaluator', 'notifier'] as const;
  const nodes: NodeProcess[] = [
    { name: 'controller', pid: fleet.controllers[0].pid },
    { name: 'evaluator', pid: fleet.evaluator.pid },
    { name: 'notifier', pid: fleet.notifier.pid },
    { name: 'runner', pid: runner.pid },
  ];
  const rig: Rig = {
    nodes,
    postgres: { client, database: database.name, postmasterPid },
    order: [...nodes.map((node) => node.name), ...services.map((service) => `postgres ← ${service}`), POSTGRES_BACKGROUND],
    ticksPerSecond,
    exits: fleet.unexpectedExits,
  };

  const idle = await idleFloor(rig, options.idleSeconds);
  if (options.checks === 0) return undefined;
  await createChecks(fleet.api, target, options, RUNNER_SLUG, options.create === 'sql' ? client : undefined);
  await warmUp(rig, options);
  // Evaluated in the window: those stored in it, plus the queue (pending_results) it drained. The
  // queue is read just outside the window, where it holds a few results at most in steady state.
  const queued = async () => Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM pending_results')).rows[0].n);
  const queuedBefore = await queued();
  const window = await steadyWindow(rig, target, options);
  const queuedAfter = await queued();
  const { rows } = await client.query<{ stored: string }>(
    `SELECT count(*) FILTER (WHERE received_at >= $1 AND received_at < $2) AS stored FROM check_results`,
    [new Date(window.fromMs), new Date(window.toMs)],
  );
  const stored = Number(rows[0].stored);
  return measurement('services', options, idle, window, stored, stored + queuedBefore - queuedAfter, [
    "postgres (background) is the server's own processes (checkpointer, walwriter…): they serve every database on it, other jobs' included",
  ]);
}

async function allInOneForm(options: SteadyOptions, ticksPerSecond: number, cleanup: Cleanup): Promise<FormMeasurement | undefined> {
  console.log('— all-in-one on its embedded database —');
  const root = workspaceRoot();
  if (options.build) {
    const started = performance.now();
    await orBenchFailure(buildApp(root, ALL_IN_ONE));
    console.log(`all-in-one built (nx run ${ALL_IN_ONE.project}:build) in ${elapsed(started)}`);
  }
  const target = await startTarget(cleanup);
  const started = performance.now();
  // Its data directory is a fresh temporary one, removed once it has stopped.
  const service = await orBenchFailure(startAllInOne(root, { nodeArgs: cpuProfArgs(options), readyTimeoutMs: READY_TIMEOUT_MS }));
  cleanup.add('stopping the all-in-one', service.stop);
  const exits: string[] = [];
  void service.crashed.then((how) => exits.push(how));
  console.log(`all-in-one: pid ${service.pid}, PGlite in a temporary data directory, default settings; ready (migrated) in ${elapsed(started)}`);
  const admin = apiClient(service.url, service.adminKey);
  const key = await admin(createApiKey, { body: { name: 'steady', scopes: ['read', 'write'] } });
  const rig: Rig = { nodes: [{ name: 'all-in-one', pid: service.pid }], postgres: undefined, order: ['all-in-one'], ticksPerSecond, exits: () => exits };

  const idle = await idleFloor(rig, options.idleSeconds);
  if (options.checks === 0) return undefined;
  await createChecks(apiClient(service.url, key.key), target, options, CONTROLLER_LOCATION);
  // Its database is its own (one process holds PGlite): the counts come from its metrics, read outside the window.
  const stored = (text: string) => metricSum(text, 'vigil_results_ingested_total', { outcome: 'accepted' });
  const evaluated = (text: string) => metricSum(text, 'vigil_evaluator_results_evaluated_total');
  await warmUp(rig, options);
  const before = await fetchMetrics(service.url);
  const window = await steadyWindow(rig, target, options);
  const after = await fetchMetrics(service.url);
  return measurement('all-in-one', options, idle, window, stored(after) - stored(before), evaluated(after) - evaluated(before), [
    'results stored and evaluated are counted from its /metrics, read just before and after the window',
  ]);
}

function measurement(
  form: Form,
  options: SteadyOptions,
  idle: FormMeasurement['idle'],
  window: Awaited<ReturnType<typeof steadyWindow>>,
  stored: number,
  evaluated: number,
  notes: readonly string[],
): FormMeasurement {
  return {
    form,
    checks: options.checks,
    intervalS: options.intervalS,
    windowSeconds: window.windowSeconds,
    parts: window.parts,
    probes: window.probes,
    probesPerSecond: window.probesPerSecond,
    stored,
    evaluated,
    idle,
    benchCpuSeconds: window.benchCpuSeconds,
    notes: [...window.notes, ...notes],
  };
}
