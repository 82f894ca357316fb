import { redact } from '@vigil/logger';
import type { SweepHealth } from '@vigil/worker-loop';
import { Router } from 'express';

export interface Readiness {
  ok: boolean;
  details?: Record<string, unknown>;
}

/** Whether the service can do its work now (database reachable, migrations applied…). */
export type ReadinessCheck = () => Promise<Readiness>;

/** For a service that depends on nothing yet. */
export const alwaysReady: ReadinessCheck = async () => ({ ok: true, details: {} });

const READY_TIMEOUT_MS = 5_000;

/** Ready when every check is; their details side by side (a later check's keys win), run at once. */
export function allReady(...checks: readonly ReadinessCheck[]): ReadinessCheck {
  return async () => {
    const results = await Promise.all(checks.map((check) => check()));
    return { ok: results.every((result) => result.ok), details: Object.assign({}, ...results.map((result) => result.details ?? {})) };
  };
}

/**
 * Not ready while a service's loop has failed too many sweeps in a row (see createSweepHealth):
 * a worker that cannot do its work is not ready, though its process is alive (/healthz stays 200).
 * The reason names the loop, the streak and its last error.
 */
export function sweepReadiness(healths: readonly SweepHealth[]): ReadinessCheck {
  return async () => {
    const sweeps: Record<string, unknown> = {};
    const reasons: string[] = [];
    for (const health of healths) {
      const status = health.status();
      if (status.reason !== undefined) reasons.push(`${health.service}: ${status.reason}`);
      sweeps[health.service] = {
        status: status.ready ? 'ok' : 'failing',
        loops: Object.fromEntries(
          Object.entries(status.loops).map(([loop, loopHealth]) => [
            loop,
            {
              consecutive_failures: loopHealth.consecutiveFailures,
              last_success_at: loopHealth.lastSuccessAt === undefined ? null : new Date(loopHealth.lastSuccessAt).toISOString(),
            },
          ]),
        ),
      };
    }
    return reasons.length === 0 ? { ok: true, details: { sweeps } } : { ok: false, details: { sweeps, reason: reasons.join('; ') } };
  };
}

/**
 * `/healthz`: the process is alive (200 while it runs, nothing else is checked, so a slow
 * database never gets a healthy process restarted). `/readyz`: `ready()` says ok (200) or
 * not, fails or takes too long (503), so load balancers stop sending it work.
 */
export function healthRoutes(deps: { ready: ReadinessCheck; timeoutMs?: number }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const readiness = await checkReadiness(deps.ready, deps.timeoutMs ?? READY_TIMEOUT_MS);
    res
      .status(readiness.ok ? 200 : 503)
      .set('Cache-Control', 'no-store')
      // The body is public: whatever a check reports goes through the same redaction as logs.
      .json({ status: readiness.ok ? 'ok' : 'unavailable', details: redact(readiness.details ?? {}) });
  });
  return router;
}

async function checkReadiness(ready: ReadinessCheck, timeoutMs: number): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Readiness>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, details: { error: `readiness check timed out after ${timeoutMs} ms` } }), timeoutMs);
  });
  try {
    return await Promise.race([ready(), timeout]);
  } catch (error) {
    return { ok: false, details: { error: error instanceof Error ? error.message : String(error) } };
  } finally {
    clearTimeout(timer);
  }
}
