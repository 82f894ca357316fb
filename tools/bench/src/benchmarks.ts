import { runDomainBenchmark } from './domain';

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
};
