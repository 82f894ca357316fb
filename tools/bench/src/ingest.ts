import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { DatabaseError, redactUrl } from '@vigil/db';
import { readBenchConfig } from './config';
import { type CpuShares, cpuMeter } from './ingest-cpu';
import { buildController, startController, workspaceRoot } from './ingest-controller';
import { countStoredResults, createScratchDatabase, migrateDatabase, seedDatabase } from './ingest-database';
import { INGEST_USAGE, type IngestOptions, parseIngestArgs, UsageError } from './ingest-options';
import { printLoadReport } from './ingest-report';
import { runLoad } from './ingest-runners';

/**
 * What must be undone however the run ends (finished, failed, Ctrl-C): the controller
 * stopped, the scratch database dropped. Last registered, first undone.
 */
class Cleanup {
  private readonly steps: { what: string; undo: () => Promise<void> }[] = [];
  private running: Promise<void> | undefined;

  add(what: string, undo: () => Promise<void>): void {
    this.steps.push({ what, undo });
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) {
        try {
          await step.undo();
        } catch (error) {
          console.error(`cleanup: ${step.what} failed: ${(error as Error).message}`);
        }
      }
    })();
    return this.running;
  }

  /**
   * On SIGINT/SIGTERM: clean up, then exit 130. Further signals are ignored meanwhile: Ctrl-C
   * reaches this process twice (from the terminal and forwarded by run-ts.mjs), and the
   * cleanup is short (the controller gets 5 s to stop).
   */
  onSignals(): () => void {
    const handler = (signal: NodeJS.Signals) => {
      if (this.running) return;
      console.error(`\n${signal}: stopping the controller and dropping the scratch database…`);
      void this.run().then(() => process.exit(130));
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    };
  }
}

/** A failure that ends the benchmark with one line and exit code 1 (not a bug of the bench: no stack). */
class BenchFailure extends Error {
  override readonly name = 'BenchFailure';
}

const elapsed = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const count = (n: number) => n.toLocaleString('en-US');

export async function runIngestBenchmark(args: readonly string[]): Promise<void> {
  const config = readBenchConfig();
  let parsed: ReturnType<typeof parseIngestArgs>;
  try {
    parsed = parseIngestArgs(args, config.BENCH_DATABASE_URL);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`ingest: ${error.message}`);
    process.exit(2);
  }
  if (parsed.help) {
    console.log(INGEST_USAGE);
    return;
  }
  const options = parsed.options;
  const cleanup = new Cleanup();
  const offSignals = cleanup.onSignals();
  let failure: string | undefined;
  try {
    await benchmark(options, cleanup);
  } catch (error) {
    if (!((error instanceof DatabaseError && error.code === 'unreachable') || error instanceof BenchFailure)) throw error;
    failure = error.message;
  } finally {
    await cleanup.run();
    offSignals();
  }
  if (failure !== undefined) {
    console.error(`ingest: ${failure}`);
    // main() would report success once this returns; a broken run must not.
    process.exit(1);
  }
}

async function benchmark(options: IngestOptions, cleanup: Cleanup): Promise<void> {
  const root = workspaceRoot();
  // Created first: an unreachable server is reported before anything slow happens.
  const database = await createScratchDatabase(options.serverUrl);
  cleanup.add(`dropping database ${database.name}`, database.drop);
  console.log(
    `Vigil ingest benchmark: node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} CPUs; ` +
      `${database.serverVersion} at ${redactUrl(options.serverUrl)} (scratch database ${database.name}, dropped at the end)`,
  );
  let step = performance.now();
  if (options.build) {
    await buildController(root).catch((error: Error) => {
      throw new BenchFailure(error.message);
    });
    console.log(`controller built (nx run @vigil/controller-api:build) in ${elapsed(step)}`);
    step = performance.now();
  }
  const migrations = await migrateDatabase(database.url);
  console.log(`database migrated (${migrations} migration${migrations === 1 ? '' : 's'}) in ${elapsed(step)}`);

  const seed = await seedDatabase(database.url, { checks: options.checks, runners: options.runners });
  console.log(
    `seeded ${count(seed.sites)} sites, ${count(seed.checks)} http checks (interval 60 s, every runner), ` +
      `${seed.runners.length} runners (${seed.runners.map((r) => r.slug).join(', ')}) and ` +
      `${count(seed.locationStates)} location states, all due, in ${seed.seconds.toFixed(1)} s`,
  );

  const controller = await startController(root, database.url).catch((error: Error) => {
    throw new BenchFailure(error.message);
  });
  cleanup.add('stopping the controller', controller.stop);
  console.log(`controller: dist/apps/controller-api/main.js on ${controller.url} (own process), ready in ${controller.readySeconds.toFixed(1)} s`);
  console.log(
    `load: ${seed.runners.length} runners × ${options.concurrency} loops (poll ${options.batch} runs, report them in one batch, repeat); ` +
      `${options.warmupSeconds} s warm-up, then ${options.seconds} s measured\n`,
  );

  const cpu = cpuMeter(controller.pid);
  let shares: CpuShares | null = null;
  const load = await runLoad({
    url: controller.url,
    runners: seed.runners,
    concurrency: options.concurrency,
    batch: options.batch,
    warmupSeconds: options.warmupSeconds,
    seconds: options.seconds,
    budget: seed.locationStates,
    crashed: controller.crashed,
    onMeasureStart: () => cpu.start(),
    onMeasureEnd: () => {
      shares = cpu.stop();
    },
  });
  if (load.fatal !== undefined) throw new BenchFailure(`the load stopped: ${load.fatal}`);
  if (load.measuredSeconds === 0) throw new BenchFailure('every seeded run was leased during the warm-up: seed more with --checks or shorten --warmup');
  const storedResults = await countStoredResults(database.url);
  printLoadReport(load, { batch: options.batch, storedResults, cpu: shares });
}
