import http from 'node:http';
import https from 'node:https';
import { VIGIL_VERSION } from '@vigil/contracts';
import type { EgressGuard } from '@vigil/egress';
import type { Logger } from '@vigil/logger';
import { sharedCounter } from '@vigil/metrics';
import type { SweepHealth } from '@vigil/worker-loop';
import got from 'got';
import type { Registry } from 'prom-client';

export const HEARTBEAT_METRIC = 'vigil_heartbeat_pings_total';

/** A failing ping is logged at most this often (the first of a streak always is). */
const FAILURE_LOG_EVERY_MS = 10 * 60_000;
const MAX_TIMEOUT_MS = 10_000;

const agent = { http: new http.Agent({ keepAlive: false }), https: new https.Agent({ keepAlive: false }) };

export type PingOutcome = { ok: true } | { ok: false; error: string };

export interface HeartbeatOptions {
  /** The dead man's switch (healthchecks.io, Alertmanager's Watchdog receiver…); may hold a token. */
  url: string;
  intervalMs: number;
  /** Whether to ping now: the service's sweeps are healthy. */
  healthy: () => boolean;
  /** Every ping goes through it, as the notifier's deliveries do. */
  egress: EgressGuard;
  logger: Logger;
  metrics: Registry;
  /** Per ping (default: the interval, at most 10 s). */
  timeoutMs?: number;
  now?: () => number;
}

export interface Heartbeat {
  /** Stops pinging; resolves once a ping in flight has settled. */
  stop(): Promise<void>;
  /** Resolves after the next tick (a ping or a skip): for tests. */
  nextTick(): Promise<PingOutcome | 'skipped'>;
}

/** Where the URL points, without its path or query (where a token would be): what logs may show. */
export function originOf(url: string): string {
  return new URL(url).origin;
}

/**
 * GETs the heartbeat URL once, through the egress policy, redirects not followed, within the
 * timeout. Ok on 2xx. Never throws; its error never contains the URL's path or query.
 */
export async function pingOnce(url: string, options: { egress: EgressGuard; timeoutMs: number }): Promise<PingOutcome> {
  try {
    // A literal destination is connected to without a lookup: judge it here; names in dnsLookup.
    options.egress.refuseHost(new URL(url).hostname);
    const response = await got(url, {
      method: 'GET',
      headers: { 'user-agent': `Vigil/${VIGIL_VERSION}` },
      timeout: { request: options.timeoutMs },
      retry: { limit: 0 },
      followRedirect: false,
      throwHttpErrors: false,
      cache: false,
      http2: false,
      agent,
      dnsLookup: options.egress.lookup,
    });
    if (response.statusCode >= 200 && response.statusCode < 300) return { ok: true };
    return { ok: false, error: `answered ${response.statusCode}` };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const message = (error instanceof Error ? error.message : String(error)).split(url).join(originOf(url));
    return { ok: false, error: typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message };
  }
}

/**
 * Vigil's own dead man's switch: every `intervalMs`, while `healthy()` says the service's sweeps
 * work, GETs `url`; while they do not, it stays silent, so the external service alerts (the
 * Watchdog / healthchecks.io convention). Pings are counted by outcome (ok, failed, skipped);
 * a failing streak is logged once, then at most every 10 minutes, and its end once.
 */
export function startHeartbeat(options: HeartbeatOptions): Heartbeat {
  const { url, intervalMs, healthy, egress, logger, now = Date.now } = options;
  const timeoutMs = options.timeoutMs ?? Math.min(intervalMs, MAX_TIMEOUT_MS);
  const origin = originOf(url);
  const pings = sharedCounter(options.metrics, {
    name: HEARTBEAT_METRIC,
    help: "Pings of the dead man's switch (VIGIL_HEARTBEAT_URL), by outcome (ok, failed, skipped: the service unhealthy)",
    labelNames: ['outcome'],
  });
  for (const outcome of ['ok', 'failed', 'skipped']) pings.inc({ outcome }, 0);

  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let failing = 0;
  let lastFailureLogAt = -Infinity;
  let paused = false;
  let waiters: Array<(outcome: PingOutcome | 'skipped') => void> = [];

  const settle = (outcome: PingOutcome | 'skipped') => {
    const current = waiters;
    waiters = [];
    for (const resolve of current) resolve(outcome);
  };

  const tick = async (): Promise<void> => {
    if (!healthy()) {
      if (!paused) logger.warn('heartbeat paused: the service is not healthy, so the dead man\'s switch will alert', { heartbeat: origin });
      paused = true;
      pings.inc({ outcome: 'skipped' });
      settle('skipped');
      return;
    }
    if (paused) logger.info('heartbeat resumed: the service is healthy again', { heartbeat: origin });
    paused = false;
    const outcome = await pingOnce(url, { egress, timeoutMs });
    pings.inc({ outcome: outcome.ok ? 'ok' : 'failed' });
    if (outcome.ok) {
      if (failing > 0) logger.info(`heartbeat ping works again after ${failing} failures`, { heartbeat: origin });
      failing = 0;
    } else {
      failing += 1;
      if (failing === 1 || now() - lastFailureLogAt >= FAILURE_LOG_EVERY_MS) {
        lastFailureLogAt = now();
        logger.error('heartbeat ping failed', { heartbeat: origin, error: outcome.error, failures_in_a_row: failing });
      }
    }
    settle(outcome);
  };

  const schedule = (delayMs: number) => {
    if (stopping) return;
    timer = setTimeout(() => {
      inFlight = tick().finally(() => {
        inFlight = undefined;
        schedule(intervalMs);
      });
    }, delayMs);
  };

  logger.info('pinging the heartbeat URL while healthy', { heartbeat: origin, interval_s: intervalMs / 1000 });
  // The first ping after one interval: a service that fails from the start never pings.
  schedule(intervalMs);
  return {
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await inFlight;
    },
    nextTick() {
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}

/** The heartbeat settings as the environment names them (`sweepHealthEnv` in @vigil/config). */
export interface HeartbeatSettings {
  VIGIL_HEARTBEAT_URL?: string;
  VIGIL_HEARTBEAT_INTERVAL_S: number;
}

/**
 * The heartbeat of a service whose loops report to `healths`, when VIGIL_HEARTBEAT_URL is set.
 * Healthy: every loop completed a step within two intervals (at least 30 s, longer than the
 * slowest loop's cadence) and none failed VIGIL_READY_MAX_FAILED_SWEEPS times in a row.
 */
export function startHeartbeatFrom(
  config: HeartbeatSettings,
  deps: { healths: readonly SweepHealth[]; egress: EgressGuard; logger: Logger; metrics: Registry },
): Heartbeat | undefined {
  if (config.VIGIL_HEARTBEAT_URL === undefined) return undefined;
  const intervalMs = config.VIGIL_HEARTBEAT_INTERVAL_S * 1000;
  const withinMs = Math.max(2 * intervalMs, 30_000);
  return startHeartbeat({
    url: config.VIGIL_HEARTBEAT_URL,
    intervalMs,
    healthy: () => deps.healths.every((health) => health.healthy(withinMs)),
    egress: deps.egress,
    logger: deps.logger,
    metrics: deps.metrics,
  });
}
