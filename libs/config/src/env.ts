import { readFileSync } from 'node:fs';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat } from '@vigil/logger';
import { z } from 'zod';
import {
  checkPemPrivateKey,
  filePath,
  hostname,
  httpUrl,
  integer,
  oneOf,
  onOff,
  pemPrivateKey,
  port,
  portOrOff,
  postgresUrl,
  secret,
  shown,
  slug,
} from './fields';
import { envSchema } from './load-config';

// The variables below are the product's documented interface (DESIGN.md, Operations).
// Each part is a schema of its own; an app joins the parts it reads with `envSchema`.

/** Read by every service. */
export const commonEnv = z
  .object({
    NODE_ENV: z.string().optional(),
    VIGIL_DATA_DIR: filePath().default('./.data'),
    LOG_LEVEL: oneOf(LOG_LEVELS).default('info'),
    LOG_FORMAT: oneOf(LOG_FORMATS).optional(),
  })
  .transform(({ NODE_ENV, LOG_FORMAT, ...rest }) => {
    // Machines read production logs; people read the rest.
    const format: LogFormat = LOG_FORMAT ?? (NODE_ENV === 'production' ? 'json' : 'pretty');
    return { ...rest, LOG_FORMAT: format };
  });

export const MIGRATE_MODES = ['auto', 'off'] as const;
export type MigrateMode = (typeof MIGRATE_MODES)[number];

/** Read by every service that opens the database (all but the runner). */
export const databaseEnv = z
  .object({
    /** Unset: the embedded PGlite database in VIGIL_DATA_DIR. */
    DATABASE_URL: postgresUrl().optional(),
    VIGIL_MIGRATE: oneOf(MIGRATE_MODES).optional(),
  })
  .transform(({ DATABASE_URL, VIGIL_MIGRATE }) => {
    // An embedded database belongs to this process, so migrating it at start is safe;
    // a shared PostgreSQL is migrated on purpose, by a deploy step or an explicit `auto`.
    const migrate: MigrateMode = VIGIL_MIGRATE ?? (DATABASE_URL === undefined ? 'auto' : 'off');
    return { DATABASE_URL, VIGIL_MIGRATE: migrate };
  });

/** The controller API's listen address. */
export const httpEnv = z.object({
  PORT: port().default(8080),
  HOST: hostname().default('0.0.0.0'),
});

/** The admin API key the controller seeds at start, if any. */
export const adminEnv = z.object({
  VIGIL_ADMIN_KEY: secret({ minLength: 16 }).optional(),
});

/** The evaluator's read-only switch: `off` logs the writes it would have made instead. */
export const dbWritesEnv = z.object({
  VIGIL_DB_WRITES: onOff().default(true),
});

/**
 * Where a worker (runner, evaluator, notifier) serves /healthz, /readyz and /metrics.
 * `METRICS_PORT=off` serves nothing; without a default the server is off unless set.
 */
export function metricsEnv(options: { defaultPort?: number } = {}) {
  return z.object({
    METRICS_PORT: portOrOff().default(options.defaultPort),
  });
}

/** Who the runner is and where it polls. */
export const runnerIdentityEnv = z.object({
  VIGIL_CONTROLLER_URL: httpUrl().required(),
  VIGIL_RUNNER_SLUG: slug().required(),
});

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
};

/**
 * The runner's private key, given inline or as a file (Docker and Kubernetes secrets are
 * files). The file is read here so that a missing or unreadable key stops the runner at
 * start with one line, rather than at its first poll.
 */
export const runnerKeyEnv = z
  .object({
    VIGIL_RUNNER_KEY: pemPrivateKey().optional(),
    VIGIL_RUNNER_KEY_FILE: filePath().optional(),
  })
  .transform(({ VIGIL_RUNNER_KEY, VIGIL_RUNNER_KEY_FILE }, ctx) => {
    const fail = (message: string) => {
      ctx.addIssue({ code: 'custom', message, path: [] });
      return z.NEVER;
    };
    if (VIGIL_RUNNER_KEY !== undefined && VIGIL_RUNNER_KEY_FILE !== undefined) {
      return fail('VIGIL_RUNNER_KEY and VIGIL_RUNNER_KEY_FILE are both set; set only one');
    }
    if (VIGIL_RUNNER_KEY !== undefined) return { VIGIL_RUNNER_KEY, VIGIL_RUNNER_KEY_FILE };
    if (VIGIL_RUNNER_KEY_FILE === undefined) return fail('VIGIL_RUNNER_KEY or VIGIL_RUNNER_KEY_FILE is required');

    let contents: string;
    try {
      contents = readFileSync(VIGIL_RUNNER_KEY_FILE, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      const reason = READ_ERRORS[code] ?? code;
      return fail(`VIGIL_RUNNER_KEY_FILE cannot be read: ${reason} (got ${shown(VIGIL_RUNNER_KEY_FILE)})`);
    }
    const key = checkPemPrivateKey(contents.trim());
    if (!key.ok) return fail(`VIGIL_RUNNER_KEY_FILE ${key.problem} (file ${shown(VIGIL_RUNNER_KEY_FILE)})`);
    return { VIGIL_RUNNER_KEY: key.value, VIGIL_RUNNER_KEY_FILE };
  });

/**
 * The controller API's limits on runners. The rate is per runner and per instance: behind
 * a load balancer, each controller instance allows a runner this many requests per second.
 */
export const controllerEnv = z.object({
  /** Requests per second a runner may make, sustained (429 with Retry-After beyond). */
  VIGIL_RUNNER_RATE_LIMIT: integer({ min: 1, max: 100_000 }).default(50),
  /** Requests a runner may make at once after a quiet spell. */
  VIGIL_RUNNER_BURST: integer({ min: 1, max: 100_000 }).default(100),
});

/** Everything the runner reads beyond commonEnv and metricsEnv. */
export const runnerEnv = envSchema(runnerIdentityEnv, runnerKeyEnv);

export type CommonConfig = z.output<typeof commonEnv>;
export type DatabaseConfig = z.output<typeof databaseEnv>;
export type HttpConfig = z.output<typeof httpEnv>;
export type AdminConfig = z.output<typeof adminEnv>;
export type DbWritesConfig = z.output<typeof dbWritesEnv>;
export type MetricsConfig = z.output<ReturnType<typeof metricsEnv>>;
export type ControllerConfig = z.output<typeof controllerEnv>;
export type RunnerIdentityConfig = z.output<typeof runnerIdentityEnv>;
export type RunnerKeyConfig = z.output<typeof runnerKeyEnv>;
export type RunnerConfig = z.output<typeof runnerEnv>;
