import { runDetectBenchmark } from './detect';
import { runDomainBenchmark } from './domain';
import { runEvaluateBenchmark } from './evaluate';
import { runIngestBenchmark } from './ingest';
import { runKeepUpBenchmark } from './keepup';
import { runRunnerBenchmark } from './runner';
import { runScaleBenchmark } from './scale';
import { runSteadyBenchmark } from './steady';

/** A benchmark: `npm run bench -- <name> [args]`. */
export interface Benchmark {
  readonly description: string;
  run(args: readonly string[]): Promise<void>;
}

/** Every benchmark by name. Add one by writing `src/<name>.ts` and listing it here. */
export const benchmarks: Readonly<Record<string, Benchmark>> = {
  detect: {
    description: 'outage detection with every service in its own process on PostgreSQL: failure start → webhook p50/p95 against the floor [--outages N] [--interval S] [--help]',
    run: runDetectBenchmark,
  },
  domain: {
    description: 'lifecycle+quorum evaluations per second, ES256 JWT verifications and signs per second [--seconds N]',
    run: runDomainBenchmark,
  },
  evaluate: {
    description: 'evaluator on PostgreSQL: results evaluated per second (a backlog), report→commit p50/p99 at a steady feed [--backlog N] [--rate N] [--help]',
    run: runEvaluateBenchmark,
  },
  ingest: {
    description: 'runner API on PostgreSQL: results accepted per second, poll/report p50/p99 [--seconds N] [--help]',
    run: runIngestBenchmark,
  },
  'keep-up': {
    description: 'runner agent against a stub controller scheduling N checks at an interval: runs/s achieved against due, late runs, CPU [--checks N,N] [--help]',
    run: runKeepUpBenchmark,
  },
  runner: {
    description: 'runner agent on a local HTTP target: checks/s end to end and RSS, next to a bare got loop [--concurrency N,N] [--seconds N] [--help]',
    run: runRunnerBenchmark,
  },
  scale: {
    description: 'N checks × 3 locations with 30 days of rollups on PostgreSQL: end-to-end results/s beside a raw INSERT, bytes per result, dashboard/status page read p99 [--checks N] [--days N] [--raw-days N] [--duration S] [--keep] [--help]',
    run: runScaleBenchmark,
  },
  steady: {
    description: 'steady-state cost: N http checks at their interval, services on PostgreSQL and the all-in-one; CPU ms per check by part, idle floor, rate [--checks N] [--interval S] [--form F] [--help]',
    run: runSteadyBenchmark,
  },
};
