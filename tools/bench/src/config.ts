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

// What the controller under test reads: never inherited, so only the bench decides them.
const CONTROLLER_VARIABLES = /^(VIGIL_|DATABASE_URL$|PORT$|HOST$|LOG_|NODE_ENV$)/;

/** The environment for the controller under test: this process's without the controller's variables, plus `vars`. */
export function controllerEnvironment(vars: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!CONTROLLER_VARIABLES.test(name)) env[name] = value;
  }
  return { ...env, ...vars };
}

/** This process's environment with `nodeOptions` added to NODE_OPTIONS, for a child that must run with them. */
export function withNodeOptions(nodeOptions: string): NodeJS.ProcessEnv {
  return { ...process.env, NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} ${nodeOptions}`.trim() };
}
