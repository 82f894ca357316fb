import { redact } from '@vigil/logger';
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
