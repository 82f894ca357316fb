import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from 'pg';
import { optionsOrExit } from './args';
import { BenchFailure, type Cleanup, orBenchFailure, runWithCleanup } from './cleanup';
import { readBenchConfig } from './config';
import {
  connectBench,
  feedRound,
  insertBacklog,
  lastEvaluatedAt,
  latenciesOf,
  pendingResults,
  recordEvaluations,
  seedChannels,
  writtenCounts,
} from './evaluate-database';
import { EVALUATE_USAGE, type EvaluateOptions, parseEvaluateArgs } from './evaluate-options';
import { type Latency, printEvaluateReport, type Throughput, throughputRate } from './evaluate-report';
import { serviceCpuMeter } from './backend-cpu';
import { cpuMeter } from './ingest-cpu';
import { seedDatabase } from './ingest-database';
import { formatRate } from './measure';
import { count } from './report-format';
import { prepareServiceBench } from './service-bench';
import { EVALUATOR, type RunningService, startEvaluator } from '@vigil/processes';

export async function runEvaluateBenchmark(args: readonly string[]): Promise<void> {
  const config = readBenchConfig();
  const options = optionsOrExit('evaluate', EVALUATE_USAGE, () => parseEvaluateArgs(args, config.BENCH_DATABASE_URL));
  if (options === undefined) return;
  await runWithCleanup('evaluate', 'stopping the evaluator and dropping the scratch database', (cleanup) => benchmark(options, cleanup));
}

async function benchmark(options: EvaluateOptions, cleanup: Cleanup): Promise<void> {
  const { root, database } = await prepareServiceBench('evaluate', [EVALUATOR], options, cleanup);
  const seed = await seedDatabase(database.url, { checks: options.checks, runners: 3 });
  const client = await connectBench(database.url);
  await recordEvaluations(client);
  cleanup.add('closing the bench connection', () => client.end());
  const channels = await seedChannels(client);
  console.log(
    `seeded ${count(seed.sites)} sites, ${count(seed.checks)} http checks (2 failing locations of 3 confirm an outage), ` +
      `${count(seed.locationStates)} location states and ${channels} notification channels in ${seed.seconds.toFixed(1)} s`,
  );

  // As deployed (its defaults: woken by NOTIFY, polling every second), logging at warn: the bench
  // measures evaluation, not the terminal.
  const evaluator = await orBenchFailure(startEvaluator(root, database.url));
  cleanup.add('stopping the evaluator', evaluator.stop);
  console.log(`evaluator: ${EVALUATOR.main} (own process, its defaults), ready in ${evaluator.readySeconds.toFixed(1)} s\n`);

  const throughput = await drainBacklog(client, evaluator, options);
  console.log(`throughput: ${formatRate(throughputRate(throughput))} results/s\n`);
  const latency = await steadyFeed(client, evaluator, options, throughput.checks);
  printEvaluateReport(throughput, latency);
}

/** Fails the run if the evaluator exits meanwhile. */
function watch(evaluator: RunningService): Promise<never> {
  return evaluator.crashed.then((why) => {
    throw new BenchFailure(why);
  });
}

async function drainBacklog(client: Client, evaluator: RunningService, options: EvaluateOptions): Promise<Throughput> {
  const checks = Math.ceil(options.backlog / (3 * options.rounds));
  console.log(`backlog: storing ${count(checks * 3 * options.rounds)} results (checks 1..${count(checks)}, ${options.rounds} round(s) of 3 locations) in one INSERT + NOTIFY…`);
  const cpu = cpuMeter(evaluator.pid);
  const own = serviceCpuMeter(client, evaluator.pid);
  const crashed = watch(evaluator);
  const backlog = await insertBacklog(client, checks, options.rounds);
  cpu.start();
  await own.start();
  const deadline = backlog.committedAt + options.drainTimeoutSeconds * 1000;
  let pending = backlog.results;
  let lastLine = Date.now();
  while (pending > 0 && Date.now() < deadline) {
    await Promise.race([sleep(200), crashed]);
    pending = await pendingResults(client);
    if (Date.now() - lastLine >= 2_000) {
      lastLine = Date.now();
      const seconds = (lastLine - backlog.committedAt) / 1000;
      console.log(`  ${seconds.toFixed(0).padStart(4)} s: ${count(backlog.results - pending)} of ${count(backlog.results)} evaluated (${formatRate((backlog.results - pending) / seconds)}/s so far)`);
    }
  }
  const shares = cpu.stop();
  const used = await own.stop();
  const drained = pending === 0;
  const endedAt = drained ? await lastEvaluatedAt(client) : Date.now();
  return {
    results: backlog.results,
    checks,
    rounds: options.rounds,
    evaluated: backlog.results - pending,
    seconds: (endedAt - backlog.committedAt) / 1000,
    drained,
    written: await writtenCounts(client),
    cpu: shares,
    used,
  };
}

// A fed check reports again this long after its previous round: its outage confirms, its blip closes.
const FEED_CYCLE_S = 10;

/**
 * Feeds `rate` results per second, a batch every --tick-ms (100 ms), each a whole round of a check's three
 * locations, over the checks the backlog left alone, cycling through them so that each reports
 * a round every 10 s. Then waits for the measured results to be evaluated and reads their latencies.
 */
async function steadyFeed(client: Client, evaluator: RunningService, options: EvaluateOptions, backlogChecks: number): Promise<Latency> {
  const crashed = watch(evaluator);
  const window = Math.min(options.checks - backlogChecks, Math.ceil((options.rate * FEED_CYCLE_S) / 3));
  console.log(
    `latency: feeding ${count(options.rate)} results/s (a batch every ${options.tickMs} ms over ${count(window)} checks, a round each every ${FEED_CYCLE_S} s); ` +
      `${options.warmupSeconds} s warm-up, then ${options.seconds} s measured…`,
  );
  const cpu = cpuMeter(evaluator.pid);
  const own = serviceCpuMeter(client, evaluator.pid);
  const measured: string[] = [];
  let fedRounds = 0;
  let lateBatches = 0;
  const start = performance.now();
  const measureFrom = start + options.warmupSeconds * 1000;
  const end = measureFrom + options.seconds * 1000;
  let measuring = false;
  let measuredFed = 0;
  let lastLine = start;
  for (let tick = 0; ; tick++) {
    const due = start + tick * options.tickMs;
    if (due >= end) break;
    const wait = due - performance.now();
    if (wait > 0) await Promise.race([sleep(wait), crashed]);
    else if (wait < -options.tickMs) lateBatches++;
    if (!measuring && due >= measureFrom) {
      measuring = true;
      cpu.start();
      await own.start();
    }
    // Whole rounds due by the end of this tick, so that the rate holds whatever the tick's rounding.
    const rounds = Math.floor((options.rate * ((tick + 1) * options.tickMs)) / 1000 / 3) - fedRounds;
    const ids = Array.from({ length: rounds }, (_, i) => backlogChecks + 1 + ((fedRounds + i) % window));
    const round = 1 + Math.floor(fedRounds / window);
    const stored = await Promise.race([feedRound(client, ids, round), crashed]);
    fedRounds += rounds;
    if (measuring) {
      measured.push(...stored);
      measuredFed += stored.length;
    }
    if (performance.now() - lastLine >= 5_000) {
      lastLine = performance.now();
      console.log(`  ${((lastLine - start) / 1000).toFixed(0).padStart(4)} s: ${count(fedRounds * 3)} results fed, ${count(await pendingResults(client))} pending`);
    }
  }
  const shares = cpu.stop();
  const used = await own.stop();
  const seconds = (performance.now() - measureFrom) / 1000;
  const waitUntil = Date.now() + 30_000;
  while ((await pendingResults(client)) > 0 && Date.now() < waitUntil) await Promise.race([sleep(100), crashed]);
  const latencies = await latenciesOf(client, measured);
  return { rate: options.rate, seconds, fed: measuredFed, ms: latencies.ms, pending: latencies.pending, lateBatches, cpu: shares, used };
}
