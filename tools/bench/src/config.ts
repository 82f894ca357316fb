import { envSchema, exitOnConfigError, loadConfig, postgresUrl } from '@vigil/config';
import { z } from 'zod';

const schema = envSchema(
  z.object({
    /** The PostgreSQL server the ingest benchmark creates its scratch database on. */
    BENCH_DATABASE_URL: postgresUrl().optional(),
  }),
);

export type BenchConfig = z.output<typeof schema>;

/** The one reader of the environment for the benchmarks. */
export function readBenchConfig(): BenchConfig {
  return exitOnConfigError(() => loadConfig(schema, process.env));
}

/** This process's environment with `nodeOptions` added to NODE_OPTIONS, for a child that must run with them. */
export function withNodeOptions(nodeOptions: string): NodeJS.ProcessEnv {
  return { ...process.env, NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} ${nodeOptions}`.trim() };
}
