import { runDomainBenchmark } from './domain';
import { runIngestBenchmark } from './ingest';

/** A benchmark: `npm run bench -- <name> [args]`. */
export interface Benchmark {
  readonly description: string;
  run(args: readonly string[]): Promise<void>;
}

/** Every benchmark by name. Add one by writing `src/<name>.ts` and listing it here. */
export const benchmarks: Readonly<Record<string, Benchmark>> = {
  domain: {
    description: 'lifecycle+quorum evaluations per second, ES256 JWT verifications and signs per second [--seconds N]',
    run: runDomainBenchmark,
  },
  ingest: {
    description: 'runner API on PostgreSQL: results accepted per second, poll/report p50/p99 [--seconds N] [--help]',
    run: runIngestBenchmark,
  },
};
