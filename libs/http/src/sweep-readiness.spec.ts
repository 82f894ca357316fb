import { createSweepHealth } from '@vigil/worker-loop';
import request from 'supertest';
import { allReady, type ReadinessCheck, sweepReadiness } from './health';
import { createServiceApp } from './service-app';
import { testServiceDeps } from './testing';

const database: ReadinessCheck = async () => ({ ok: true, details: { database: 'ok', migrations: 'applied' } });

describe("/readyz of a worker, from its sweeps' health", () => {
  it('answers 503 with the failing loop, its streak and last error as the reason, 200 again after a success; /healthz stays 200', async () => {
    const evaluator = createSweepHealth({ service: 'evaluator', maxFailedSweeps: 2, now: () => Date.parse('2026-12-04T20:00:00.000Z') });
    const notifier = createSweepHealth({ service: 'notifier', maxFailedSweeps: 2 });
    evaluator.register('evaluator');
    notifier.record('notifier', { ok: true });
    const app = createServiceApp(testServiceDeps({ ready: allReady(database, sweepReadiness([evaluator, notifier])) }));

    expect((await request(app).get('/readyz')).status).toBe(200);
    evaluator.record('evaluator', { ok: true });
    evaluator.record('evaluator', { ok: false, error: new Error('could not read block 3 of relation site_events') });
    expect((await request(app).get('/readyz')).status).toBe(200);
    evaluator.record('evaluator', { ok: false, error: new Error('could not read block 3 of relation site_events') });

    const red = await request(app).get('/readyz');
    expect(red.status).toBe(503);
    expect(red.body).toEqual({
      status: 'unavailable',
      details: {
        database: 'ok',
        migrations: 'applied',
        reason: 'evaluator: evaluator failed 2 times in a row: could not read block 3 of relation site_events',
        sweeps: {
          evaluator: { status: 'failing', loops: { evaluator: { consecutive_failures: 2, last_success_at: '2026-12-04T20:00:00.000Z' } } },
          notifier: { status: 'ok', loops: { notifier: { consecutive_failures: 0, last_success_at: expect.any(String) } } },
        },
      },
    });
    expect((await request(app).get('/healthz')).status).toBe(200);

    evaluator.record('evaluator', { ok: true });
    expect((await request(app).get('/readyz')).status).toBe(200);
  });

  it('is not ready while the database is not, whatever the sweeps say', async () => {
    const health = createSweepHealth({ service: 'notifier', maxFailedSweeps: 3 });
    const down: ReadinessCheck = async () => ({ ok: false, details: { database: 'unreachable' } });
    const answer = await request(createServiceApp(testServiceDeps({ ready: allReady(down, sweepReadiness([health])) }))).get('/readyz');
    expect(answer.status).toBe(503);
    expect(answer.body.details).toMatchObject({ database: 'unreachable', sweeps: { notifier: { status: 'ok' } } });
  });
});
