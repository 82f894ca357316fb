import {
  adminEnv,
  checkMetricsEnv,
  commonEnv,
  type ConfigOf,
  controllerEnv,
  databaseEnv,
  dbWritesEnv,
  egressEnv,
  type Env,
  EnvField,
  envSchema,
  evaluatorEnv,
  httpEnv,
  integer,
  loadConfig,
  notifierEnv,
  rateLimitEnv,
  retentionEnv,
  runnerStalenessEnv,
  secretKeyEnv,
  sweepHealthEnv,
} from '@vigil/config';
import { z } from 'zod';

/** `1`/`on` or `0`/`off`: the issue and the README write `VIGIL_DEMO=1`, the other switches say on/off. */
function flag(): EnvField<boolean> {
  return new EnvField((value) => {
    const word = value.toLowerCase();
    if (word === '1' || word === 'on') return { ok: true, value: true };
    if (word === '0' || word === 'off') return { ok: true, value: false };
    return { ok: false, problem: `must be 1, 0, on or off (got ${JSON.stringify(value)})` };
  });
}

/** What only the all-in-one reads: its demo. */
export const demoEnv = z.object({
  /** Seeds (once) a demo site whose checks probe two endpoints this process serves on loopback. */
  VIGIL_DEMO: flag().default(false),
  /** The demo's flapping endpoint fails for this many seconds of every cycle, starting at start-up… */
  VIGIL_DEMO_FLAP_DOWN_S: integer({ min: 1, max: 86_400 }).default(60),
  /** …and answers 200 for this many seconds after that. */
  VIGIL_DEMO_FLAP_UP_S: integer({ min: 1, max: 86_400 }).default(120),
});

/**
 * What the controller API, the evaluator and the notifier read, joined, plus the demo. No
 * METRICS_PORT: the workers' metrics are on the one registry the controller's /metrics serves.
 */
export const configSchema = envSchema(commonEnv, databaseEnv, httpEnv, adminEnv, controllerEnv, dbWritesEnv, evaluatorEnv, runnerStalenessEnv, notifierEnv, demoEnv, egressEnv, secretKeyEnv, rateLimitEnv, sweepHealthEnv, retentionEnv, checkMetricsEnv);
export type AllInOneConfig = ConfigOf<typeof configSchema>;

/** The one place the all-in-one reads its environment. */
export function readConfig(env: Env = process.env): AllInOneConfig {
  return loadConfig(configSchema, env);
}
