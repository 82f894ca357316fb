import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createApiKey, mountController } from '@vigil/controller';
import { type Database, openDatabase, redactUrl } from '@vigil/db';
import { startEvaluator } from '@vigil/evaluation';
import { alwaysReady, createMetricsRegistry, createServiceApp } from '@vigil/http';
import { createLogger } from '@vigil/logger';
import { generateSecretKey, SecretKeyring } from '@vigil/secrets';
import { optionsOrExit } from './args';
import { BenchFailure, type Cleanup, runWithCleanup } from './cleanup';
import { readBenchConfig } from './config';
import { createScratchDatabase, migrateDatabase, seedDatabase, type SeededRunner } from './ingest-database';
import { type CpuShares, cpuMeter } from './ingest-cpu';
import { runLoad } from './ingest-runners';
import { count } from './report-format';
import {
  connectScale,
  lastResultId,
  loadCounts,
  queueSnapshot,
  type QueueSnapshot,
  measureRawInsert,
  measureSizes,
  publishStatusPages,
  readTargets,
  rollupsTouched,
  seedHistory,
  serverSettings,
  settleLiveState,
} from './scale-database';
import { SCALE_INTERVAL_S, SCALE_USAGE, type ScaleOptions, parseScaleArgs } from './scale-options';
import { type ReadTimes, scaleReads, timeReads } from './scale-reads';
import { bytes, formatScaleReport, type ScaleFigures } from './scale-report';
import { type RetentionPhase, runRetentionPhase } from './scale-retention';
import { formatPgWork, pgWorkSnapshot, type PgWorkSnapshot } from './scale-pg-work';

export async function runScaleBenchmark(args: readonly string[]): Promise<void> {
  const config = readBenchConfig();
  const options = optionsOrExit('scale', SCALE_USAGE, () => parseScaleArgs(args, config.BENCH_DATABASE_URL));
  if (options === undefined) return;
  await runWithCleanup('scale', 'stopping and dropping the scale database', async (cleanup) => {
    for (const line of formatScaleReport(await scaleBenchmark(options, cleanup, (line) => console.log(line)))) console.log(line);
  });
}

const RUNNERS = 3;
const BATCH = 100;
const elapsed = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** The controller API and the evaluator in this process on the scale database, as the all-in-one runs them. */
interface Services {
  readonly url: string;
  readonly authorization: string;
  stopEvaluator(): Promise<void>;
}

async function startServices(databaseUrl: string, cleanup: Cleanup): Promise<Services> {
  const logger = createLogger({ service: 'bench-scale', level: 'warn', format: 'pretty' });
  const open = async (): Promise<Database> => {
    const db = await openDatabase({ kind: 'postgres', url: databaseUrl });
    cleanup.add('closing a database pool', () => db.close());
    return db;
  };
  const controllerDb = await open();
  const evaluatorDb = await open();
  const metrics = createMetricsRegistry({ service: 'controller-api', defaultMetrics: false });
  const deps = {
    db: controllerDb,
    logger,
    metrics,
    ready: alwaysReady,
    secretKeys: SecretKeyring.fromText(generateSecretKey()),
    // Far above what the load sends: the bench measures the pipeline, not the limiters.
    limits: { runnerRequestsPerSecond: 100_000, runnerBurst: 100_000 },
    rateLimits: { apiPerMinute: 10_000_000, publicPerMinute: 10_000_000 },
  };
  const app = createServiceApp(deps, { mount: (a) => mountController(a, deps) });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s)).on('error', reject);
  });
  cleanup.add('stopping the controller', () => new Promise<void>((resolve) => server.close(() => resolve())));
  server.keepAliveTimeout = 60_000;
  const { key } = await createApiKey(controllerDb.prisma, { name: 'bench scale', scopes: ['admin'] });
  const evaluator = await startEvaluator({
    db: evaluatorDb,
    logger,
    metrics: createMetricsRegistry({ service: 'evaluator', defaultMetrics: false }),
    readOnly: false,
  });
  let stopped = false;
  const stopEvaluator = async () => {
    if (stopped) return;
    stopped = true;
    await evaluator.stop();
  };
  cleanup.add('stopping the evaluator', stopEvaluator);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, authorization: `Bearer ${key}`, stopEvaluator };
}

/**
 * The whole benchmark on `options`, telling its progress to `say`; gives the figures of the
 * report. The database is dropped by `cleanup` unless --keep.
 */
export async function scaleBenchmark(options: ScaleOptions, cleanup: Cleanup, say: (line: string) => void): Promise<ScaleFigures> {
  const database = await createScratchDatabase(options.serverUrl, options.databaseName);
  if (!options.keep) cleanup.add(`dropping database ${database.name}`, database.drop);
  const [load1] = loadavg();
  say(
    `Vigil scale benchmark: node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} CPUs (load average ${load1.toFixed(1)}); ` +
      `${database.serverVersion} at ${redactUrl(options.serverUrl)} (database ${database.name}, ${options.keep ? 'kept' : 'dropped at the end'})`,
  );
  let step = performance.now();
  const migrations = await migrateDatabase(database.url);
  say(`database migrated (${migrations} migrations) in ${elapsed(step)}`);

  const seed = await seedDatabase(database.url, { checks: options.checks, runners: RUNNERS, intervalS: SCALE_INTERVAL_S });
  say(
    `seeded ${count(seed.sites)} sites (status pages public), ${count(seed.checks)} http checks every ${SCALE_INTERVAL_S / 60} min, ` +
      `${count(seed.locationStates)} location states (${seed.runners.map((r) => r.slug).join(', ')}), all due, in ${seed.seconds.toFixed(1)} s`,
  );
  const client = await connectScale(database.url);
  cleanup.add('closing the bench connection', () => client.end());
  say(`server settings: ${await serverSettings(client)} (see README, PostgreSQL at scale)`);
  await publishStatusPages(client);
  say(`history of checks 1..${count(options.historyChecks)}, every location, a result every ${SCALE_INTERVAL_S / 60} min:`);
  const history = await seedHistory(
    client,
    { checks: options.historyChecks, days: options.days, hourlyDays: options.hourlyDays, rawDays: options.rawDays },
    say,
  );
  const seeded = await measureSizes(client);
  say(
    `seeded ${count(history.series)} series' history: ${count(history.daily)} daily rollups, ${count(history.hourly)} hourly rollups, ` +
      `${count(history.raw)} raw results (check_results in ${count(history.partitions)} partitions) in ${history.seconds.toFixed(1)} s; database ${bytes(seeded.database)}`,
  );

  step = performance.now();
  say(`raw: batched INSERTs of ${BATCH} rows on ${RUNNERS} connections for ${options.rawSeconds} s…`);
  const raw = await measureRawInsert(database.url, {
    seconds: options.rawSeconds,
    batch: BATCH,
    connections: RUNNERS,
    fromCheck: options.historyChecks < options.checks ? options.historyChecks : 0,
  });
  say(`raw: ${count(raw.rows)} rows in ${raw.seconds.toFixed(1)} s (deleted again, table vacuumed) in ${elapsed(step)}`);

  step = performance.now();
  await settleLiveState(client);
  say(`live state settled (runners seen, checks and sites up, every location's last result fresh) in ${elapsed(step)}`);
  const services = await startServices(database.url, cleanup);
  say(`controller API on ${services.url} and the evaluator (its defaults) in this process`);
  const targets = await readTargets(client, Math.min(options.reads, 1000), options.historyChecks);
  const reads = scaleReads(targets);
  const afterId = await lastResultId(client);

  say(
    `load: ${RUNNERS} runners polling and reporting ${BATCH} results at a time, as fast as they are answered; ` +
      `${options.warmupSeconds} s warm-up, then ${options.seconds} s measured (retention and reads in the middle)…`,
  );
  let from: Date | undefined;
  let to: Date | undefined;
  let retention: Promise<RetentionPhase> | undefined;
  let readsUnderLoad: Promise<ReadTimes[]> | undefined;
  // No process of its own: the controller and the evaluator are this one.
  const cpu = cpuMeter(-1);
  let shares: CpuShares | null = null;
  let workBefore: Promise<PgWorkSnapshot> | undefined;
  let workAfter: Promise<PgWorkSnapshot> | undefined;
  let queueBefore: Promise<QueueSnapshot> | undefined;
  let queueAfter: Promise<QueueSnapshot> | undefined;
  const underLoadSamples = Math.max(10, Math.ceil(options.reads / 4));
  const load = await runLoad({
    url: services.url,
    runners: seed.runners as readonly SeededRunner[],
    concurrency: 1,
    batch: BATCH,
    warmupSeconds: options.warmupSeconds,
    seconds: options.seconds,
    budget: seed.locationStates,
    crashed: new Promise<string>(() => undefined),
    onMeasureStart: () => {
      from = new Date();
      cpu.start();
      workBefore = pgWorkSnapshot(client);
      queueBefore = queueSnapshot(client, afterId);
      readsUnderLoad = timeReads(services.url, services.authorization, reads, underLoadSamples);
      retention = sleep((options.seconds * 1000) / 2).then(() => runRetentionPhase(database.url));
    },
    onMeasureEnd: () => {
      to = new Date();
      shares = cpu.stop();
      workAfter = pgWorkSnapshot(client);
      queueAfter = queueSnapshot(client, afterId);
    },
  });
  if (load.fatal !== undefined) throw new BenchFailure(`the load stopped: ${load.fatal}`);
  if (from === undefined || to === undefined || queueBefore === undefined || queueAfter === undefined) {
    throw new BenchFailure('the load ended before its measured window');
  }
  await services.stopEvaluator();
  const counts = await loadCounts(client, afterId, from, to, await queueBefore, await queueAfter);
  const touched = await rollupsTouched(client, from);
  say(
    `load done: ${count(load.acceptedTotal)} results accepted in all, ${count(touched)} hourly rollups written this hour; evaluator stopped ` +
      `(machine load average ${loadavg()[0].toFixed(1)}: other work on this machine shares its ${cpus().length} CPUs)`,
  );
  if (workBefore !== undefined && workAfter !== undefined) {
    for (const line of formatPgWork(await workBefore, await workAfter, counts.evaluated)) say(line);
  }
  if (counts.evaluated > 0 && touched === 0) throw new BenchFailure('results were evaluated but no rollup was written');

  const underLoad = (await readsUnderLoad) ?? [];
  say(`reads after the load: ${options.reads} requests of each, one at a time…`);
  const quiet = await timeReads(services.url, services.authorization, reads, options.reads);
  const sizes = await measureSizes(client);
  say('');
  return {
    checks: options.checks,
    intervalS: SCALE_INTERVAL_S,
    raw,
    load: { seconds: (to.getTime() - from.getTime()) / 1000, exhausted: load.exhausted, cpu: shares, ...counts },
    retention: (await retention) ?? { available: false, why: 'the measured window ended before it was due' },
    sizes,
    reads: quiet,
    readsUnderLoad: underLoad,
  };
}
