import { testDatabaseKinds } from '@vigil/db/testing';
import request from 'supertest';
import { createControllerHarness, type ControllerHarness } from '../testing';
import { resultFor, seedDueChecks } from './test-helpers';

describe.each(testDatabaseKinds())('runner API limits on %s', (kind) => {
  let harness: ControllerHarness;
  beforeAll(async () => {
    harness = await createControllerHarness(kind, { limits: { reportBodyBytes: 2048, runnerRequestsPerSecond: 1, runnerBurst: 2 } });
  });
  afterAll(() => harness.dispose());

  it('answers 413 to a report larger than the limit, and stores nothing', async () => {
    const runner = await harness.addRunner('limits-body');
    await seedDueChecks(harness.db, { locations: [runner.slug] });
    const [run] = (await request(harness.app).get('/api/runner/checks').set('Authorization', runner.authorization())).body.runs;
    const response = await request(harness.app)
      .post('/api/runner/report')
      .set('Authorization', runner.authorization())
      .send({ results: [resultFor(run, { error: 'x'.repeat(1900) })] });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('payload_too_large');
    expect(await harness.db.prisma.checkResult.count({ where: { runId: run.run_id } })).toBe(0);
  });

  it('answers 429 with Retry-After to a runner beyond its rate, and not to other runners', async () => {
    const busy = await harness.addRunner('limits-busy');
    const calm = await harness.addRunner('limits-calm');
    const poll = (authorization: string) => request(harness.app).get('/api/runner/checks').set('Authorization', authorization);

    // A burst of 2 at 1 request per second: the first two pass; the next within a second is refused.
    expect((await poll(busy.authorization())).status).toBe(200);
    expect((await poll(busy.authorization())).status).toBe(200);
    let refused: request.Response | undefined;
    for (let i = 0; i < 10 && refused === undefined; i++) {
      const response = await poll(busy.authorization());
      if (response.status !== 200) refused = response;
    }
    expect(refused?.status).toBe(429);
    expect(refused?.body.error.code).toBe('too_many_requests');
    expect(refused?.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect((await poll(calm.authorization())).status).toBe(200);
  });
});
