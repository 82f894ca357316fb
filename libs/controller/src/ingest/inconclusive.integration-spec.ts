import type { RunSpec } from '@vigil/contracts';
import { testDatabaseKinds } from '@vigil/db/testing';
import request from 'supertest';
import { resultFor, seedDueChecks } from '../runner-api/test-helpers';
import { createControllerHarness, type ControllerHarness, type HarnessRunner } from '../testing';

describe.each(testDatabaseKinds({ postgres: 'semantics' }))('inconclusive results and runner connectivity on %s', (kind) => {
  let harness: ControllerHarness;
  beforeAll(async () => {
    harness = await createControllerHarness(kind);
  });
  afterAll(() => harness.dispose());

  let runnerCount = 0;
  const newRunner = () => harness.addRunner(`canary-${++runnerCount}`);

  const poll = (runner: HarnessRunner, connectivity?: string) => {
    const call = request(harness.app).get('/api/runner/checks').query({ limit: 500 }).set('Authorization', runner.authorization());
    return connectivity === undefined ? call : call.set('Vigil-Connectivity', connectivity);
  };

  async function leased(count: number): Promise<{ runner: HarnessRunner; runs: RunSpec[] }> {
    const runner = await newRunner();
    await seedDueChecks(harness.db, { locations: [runner.slug], count });
    const response = await poll(runner);
    expect(response.status).toBe(200);
    expect(response.body.runs).toHaveLength(count);
    return { runner, runs: response.body.runs };
  }

  const report = (runner: HarnessRunner, results: unknown[]) =>
    request(harness.app).post('/api/runner/report').set('Authorization', runner.authorization()).send({ results });

  const stored = (runId: string) => harness.db.prisma.checkResult.findFirstOrThrow({ where: { runId } });

  it('stores a result the runner marked inconclusive as such, and a conclusive one as not', async () => {
    const { runner, runs } = await leased(2);
    const response = await report(runner, [
      resultFor(runs[0], { ok: false, error_code: 'ETIMEDOUT', inconclusive: true }),
      resultFor(runs[1], { ok: false, error_code: 'ETIMEDOUT' }),
    ]);
    expect(response.status).toBe(202);
    expect(response.body.accepted).toBe(2);
    expect(await stored(runs[0].run_id)).toMatchObject({ ok: false, inconclusive: true });
    expect(await stored(runs[1].run_id)).toMatchObject({ ok: false, inconclusive: false });

    const listed = await request(harness.app).get(`/api/v1/checks/${runs[0].check_id}/results`).set('Authorization', harness.admin);
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual([expect.objectContaining({ run_id: runs[0].run_id, ok: false, inconclusive: true })]);
  });

  it('marks an egress refusal inconclusive itself, for runners that predate the flag', async () => {
    const { runner, runs } = await leased(1);
    const response = await report(runner, [resultFor(runs[0], { ok: false, error_code: 'EGRESS_DENIED', error: 'egress to 10.0.0.1 is denied' })]);
    expect(response.status).toBe(202);
    expect(await stored(runs[0].run_id)).toMatchObject({ ok: false, inconclusive: true, errorCode: 'EGRESS_DENIED' });
  });

  it('refuses a passing result marked inconclusive as an invalid body (422) naming the field, storing nothing', async () => {
    const { runner, runs } = await leased(1);
    const response = await report(runner, [resultFor(runs[0], { ok: true, inconclusive: true })]);
    expect(response.status).toBe(422);
    expect(response.body.error.message).toMatch(/inconclusive.*must not be true when ok is true/);
    expect(await harness.db.prisma.checkResult.count({ where: { runId: runs[0].run_id } })).toBe(0);
  });

  it("stores the runner's connectivity from its header, with the time it last changed", async () => {
    const runner = await newRunner();
    const row = () => harness.db.prisma.runner.findUniqueOrThrow({ where: { id: runner.id } });

    expect((await poll(runner)).status).toBe(200);
    expect(await row()).toMatchObject({ connectivity: null, connectivityChangedAt: null });

    expect((await poll(runner, 'impaired')).status).toBe(200);
    const impaired = await row();
    expect(impaired.connectivity).toBe('impaired');
    expect(impaired.connectivityChangedAt).toBeInstanceOf(Date);

    // The same again changes nothing; a header it cannot read is left alone, never refused.
    expect((await poll(runner, 'impaired')).status).toBe(200);
    expect((await poll(runner, 'sideways')).status).toBe(200);
    expect(await row()).toMatchObject({ connectivity: 'impaired', connectivityChangedAt: impaired.connectivityChangedAt });

    expect((await poll(runner, 'ok')).status).toBe(200);
    const ok = await row();
    expect(ok.connectivity).toBe('ok');
    expect(Number(ok.connectivityChangedAt)).toBeGreaterThan(Number(impaired.connectivityChangedAt));

    const listed = await request(harness.app).get(`/api/v1/runners/${runner.slug}`).set('Authorization', harness.admin);
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ connectivity: 'ok', connectivity_changed_at: ok.connectivityChangedAt?.toISOString() });
  });

  it('takes the connectivity another controller instance already stored as unchanged', async () => {
    const runner = await newRunner();
    expect((await poll(runner, 'impaired')).status).toBe(200);
    const first = await harness.db.prisma.runner.findUniqueOrThrow({ where: { id: runner.id } });
    const other = harness.anotherApp();
    const again = await request(other).get('/api/runner/checks').set('Authorization', runner.authorization()).set('Vigil-Connectivity', 'impaired');
    expect(again.status).toBe(200);
    const second = await harness.db.prisma.runner.findUniqueOrThrow({ where: { id: runner.id } });
    expect(second.connectivityChangedAt).toEqual(first.connectivityChangedAt);
  });
});
