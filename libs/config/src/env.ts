import { readFileSync } from 'node:fs';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat } from '@vigil/logger';
import { z } from 'zod';
import {
  checkPemPrivateKey,
  emailAddress,
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
  retired,
  secret,
  secretHttpUrl,
  shown,
  slug,
  smtpUrl,
} from './fields';
import { envSchema } from './load-config';
import { runnerCanaryEnv } from './runner-canary-env';

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

/** How the notifier reaches email servers and PagerDuty, and how hard it tries. */
export const notifierEnv = z.object({
  /** The SMTP server of email channels that name none. */
  VIGIL_SMTP_URL: smtpUrl().optional(),
  /** The sender of alert emails whose channel names none. */
  VIGIL_EMAIL_FROM: emailAddress().optional(),
  VIGIL_PAGERDUTY_EVENTS_URL: httpUrl().default('https://events.pagerduty.com/v2/enqueue'),
  /** Attempts before a notification is marked failed (visible in the API, retryable from there). */
  VIGIL_NOTIFY_MAX_ATTEMPTS: integer({ min: 1, max: 50 }).default(8),
  /** The controller's public URL, for links in alerts. */
  VIGIL_PUBLIC_URL: httpUrl().optional(),
});

/** The controller's public address: heartbeat ping URLs start with it (the notifier's links too, see notifierEnv). */
export const publicUrlEnv = z.object({
  VIGIL_PUBLIC_URL: httpUrl().optional(),
});

/** When the evaluator calls a runner offline: runnerStalenessEnv (the one rule); the old variable is refused. */
export const evaluatorEnv = z.object({
  /** Retired: a second threshold let `runners list` say "not stale" beside an open runner_offline. */
  VIGIL_RUNNER_OFFLINE_AFTER_S: retired('VIGIL_RUNNER_STALE_AFTER_S (one staleness rule for the runners API and runner_offline; default 120)'),
});

/**
 * The one runner staleness rule (`runnerIsStale` of @vigil/contracts), read by controller-api
 * (the runners API's `stale`), the evaluator (runner_offline) and the all-in-one. The default is
 * RUNNER_STALE_AFTER_S of @vigil/contracts (libs/controller's runner-json.spec holds the two together).
 */
export const runnerStalenessEnv = z.object({
  /** Seconds without a poll or report before a runner is stale and its runner_offline event opens. */
  VIGIL_RUNNER_STALE_AFTER_S: integer({ min: 5, max: 86_400 }).default(120),
});

/**
 * How the alerting workers (evaluator, notifier, all-in-one) tell that they have stopped
 * working: /readyz fails after a streak of failed sweeps, and an external dead man's switch
 * stops hearing from them.
 */
export const sweepHealthEnv = z.object({
  /** Consecutive failed sweeps of one loop after which /readyz answers 503 (until one succeeds). */
  VIGIL_READY_MAX_FAILED_SWEEPS: integer({ min: 1, max: 1000 }).default(3),
  /** Pinged (GET) while the service's sweeps succeed; it may hold a token, so only its origin is logged. */
  VIGIL_HEARTBEAT_URL: secretHttpUrl().optional(),
  /** Seconds between pings. */
  VIGIL_HEARTBEAT_INTERVAL_S: integer({ min: 5, max: 86_400 }).default(60),
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

/** The default bounds the probe concurrency may rise to while runs start late (see @vigil/runner-agent's keep-up). */
const DEFAULT_CONTROLLER_PROBE_CONCURRENCY_MAX = 500;
// 1,000 runs in flight need about 126 MB of heap (heapAdvice), within the runner's 160 MB.
const DEFAULT_CONCURRENCY_MAX = 1000;

/**
 * Resolves a concurrency's upper bound: unset, the default or the concurrency if that is more;
 * set below the concurrency, an error naming both settings.
 */
function withConcurrencyMax<K extends string, M extends string>(concurrencyKey: K, maxKey: M, defaultMax: number) {
  return <T extends Record<K, number> & Partial<Record<M, number>>>(values: T, ctx: z.RefinementCtx) => {
    const concurrency = values[concurrencyKey];
    const max = values[maxKey] ?? Math.max(defaultMax, concurrency);
    if (max < concurrency) {
      ctx.addIssue({
        code: 'custom',
        path: [maxKey],
        message: `must be at least ${concurrencyKey} (${concurrency}): it is the bound that concurrency may rise to`,
      });
      return z.NEVER;
    }
    return { ...values, [maxKey]: max } as Omit<T, M> & Record<M, number>;
  };
}

/**
 * The controller API's limits on runners. The rate is per runner and per instance: behind
 * a load balancer, each controller instance allows a runner this many requests per second.
 */
export const controllerEnv = z.object({
  /** Requests per second a runner may make, sustained (429 with Retry-After beyond). */
  VIGIL_RUNNER_RATE_LIMIT: integer({ min: 1, max: 100_000 }).default(50),
  /** Requests a runner may make at once after a quiet spell. */
  VIGIL_RUNNER_BURST: integer({ min: 1, max: 100_000 }).default(100),
  /** Whether this instance probes the checks that list the built-in `@controller` location. */
  VIGIL_CONTROLLER_PROBES: onOff().default(true),
  /** How many of those probes it runs at once. */
  VIGIL_CONTROLLER_PROBE_CONCURRENCY: integer({ min: 1, max: 10_000 }).default(50),
  /** The most it rises to while those probes start late; unset: 500, or VIGIL_CONTROLLER_PROBE_CONCURRENCY if more. */
  VIGIL_CONTROLLER_PROBE_CONCURRENCY_MAX: integer({ min: 1, max: 10_000 }).optional(),
}).transform(withConcurrencyMax('VIGIL_CONTROLLER_PROBE_CONCURRENCY', 'VIGIL_CONTROLLER_PROBE_CONCURRENCY_MAX', DEFAULT_CONTROLLER_PROBE_CONCURRENCY_MAX));

/** The controller's per-check Prometheus series (issue 16): a bound on how many it adds to /metrics. */
export const checkMetricsEnv = z.object({
  /** Series the checks that opt in (export_metrics) may add; beyond it the newest are left out. 0: none. */
  VIGIL_CHECK_METRICS_MAX_SERIES: integer({ min: 0, max: 1_000_000 }).default(10_000),
});

export const POLL_MODES = ['periodic', 'drain'] as const;
export type PollMode = (typeof POLL_MODES)[number];

/** How the runner polls, how much it runs at once, and where it keeps results the controller has not taken. */
export const runnerAgentEnv = z.object({
  /** `periodic`: poll every interval, skipping runs in flight; `drain`: poll once the local queue is empty. */
  VIGIL_POLL_MODE: oneOf(POLL_MODES).default('periodic'),
  /** Between polls (periodic), or after a poll that found nothing (drain). */
  VIGIL_POLL_INTERVAL_MS: integer({ min: 100, max: 600_000 }).default(1000),
  /** Probes running at once. */
  VIGIL_CONCURRENCY: integer({ min: 1, max: 10_000 }).default(100),
  /** The most it rises to while runs start late or leases expire unrun; unset: 1000, or VIGIL_CONCURRENCY if more. */
  VIGIL_CONCURRENCY_MAX: integer({ min: 1, max: 10_000 }).optional(),
  /** Unset: `spool/<VIGIL_RUNNER_SLUG>` in VIGIL_DATA_DIR, so runners sharing a data directory each have their own. */
  VIGIL_SPOOL_DIR: filePath().optional(),
  /** The spool's bound; results beyond it are dropped with a warning until the controller takes some. */
  VIGIL_SPOOL_MAX_MB: integer({ min: 1, max: 1_048_576 }).default(256),
  /**
   * How long a passing result waits to share its report (failures and recoveries go at once). At
   * most 10 s: well inside a lease's grace (30 s past the timeout) and the shortest freshness
   * window (30 s).
   */
  VIGIL_REPORT_DELAY_MS: integer({ min: 0, max: 10_000 }).default(2000),
}).transform(withConcurrencyMax('VIGIL_CONCURRENCY', 'VIGIL_CONCURRENCY_MAX', DEFAULT_CONCURRENCY_MAX));

/** Everything the runner reads beyond commonEnv and metricsEnv. */
export const runnerEnv = envSchema(runnerIdentityEnv, runnerKeyEnv, runnerAgentEnv, runnerCanaryEnv);

export type CommonConfig = z.output<typeof commonEnv>;
export type DatabaseConfig = z.output<typeof databaseEnv>;
export type HttpConfig = z.output<typeof httpEnv>;
export type AdminConfig = z.output<typeof adminEnv>;
export type DbWritesConfig = z.output<typeof dbWritesEnv>;
export type EvaluatorConfig = z.output<typeof evaluatorEnv>;
export type RunnerStalenessConfig = z.output<typeof runnerStalenessEnv>;
export type NotifierConfig = z.output<typeof notifierEnv>;
export type SweepHealthConfig = z.output<typeof sweepHealthEnv>;
export type MetricsConfig = z.output<ReturnType<typeof metricsEnv>>;
export type ControllerConfig = z.output<typeof controllerEnv>;
export type RunnerIdentityConfig = z.output<typeof runnerIdentityEnv>;
export type RunnerKeyConfig = z.output<typeof runnerKeyEnv>;
export type RunnerAgentConfig = z.output<typeof runnerAgentEnv>;
export type RunnerConfig = z.output<typeof runnerEnv>;
