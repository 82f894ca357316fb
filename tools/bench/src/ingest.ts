import { CONTROLLER_API } from '@vigil/processes';
import { optionsOrExit } from './args';
import { BenchFailure, type Cleanup, orBenchFailure, runWithCleanup } from './cleanup';
import { readBenchConfig } from './config';
import { startController } from './ingest-controller';
import { type CpuShares, cpuMeter } from './ingest-cpu';
import { countStoredResults, seedDatabase } from './ingest-database';
import { INGEST_USAGE, type IngestOptions, parseIngestArgs } from './ingest-options';
import { printLoadReport } from './ingest-report';
import { runLoad } from './ingest-runners';
import { count } from './report-format';
import { prepareServiceBench } from './service-bench';

export async function runIngestBenchmark(args: readonly string[]): Promise<void> {
  const config = readBenchConfig();
  const options = optionsOrExit('ingest', INGEST_USAGE, () => parseIngestArgs(args, config.BENCH_DATABASE_URL));
  if (options === undefined) return;
  await runWithCleanup('ingest', 'stopping the controller and dropping the scratch database', (cleanup) => benchmark(options, cleanup));
}

async function benchmark(options: IngestOptions, cleanup: Cleanup): Promise<void> {
  const { root, database } = await prepareServiceBench('ingest', [CONTROLLER_API], options, cleanup);
  const seed = await seedDatabase(database.url, { checks: options.checks, runners: options.runners });
  console.log(
    `seeded ${count(seed.sites)} sites, ${count(seed.checks)} http checks (interval 60 s, every runner), ` +
      `${seed.runners.length} runners (${seed.runners.map((r) => r.slug).join(', ')}) and ` +
      `${count(seed.locationStates)} location states, all due, in ${seed.seconds.toFixed(1)} s`,
  );

  const controller = await orBenchFailure(startController(root, database.url));
  cleanup.add('stopping the controller', controller.stop);
  console.log(`controller: ${CONTROLLER_API.main} on ${controller.url} (own process), ready in ${controller.readySeconds.toFixed(1)} s`);
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
