import { CONTROLLER_LOCATION, type RunSpec } from '@vigil/contracts';
import { testDatabaseKinds } from '@vigil/db/testing';
import { generateSecretKey, SecretKeyring } from '@vigil/secrets';
import { Registry } from 'prom-client';
import request from 'supertest';
import { ownLocationLink } from '../runner-api/location-link';
import { resultFor, seedDueChecks } from '../runner-api/test-helpers';
import { createControllerHarness, type ControllerHarness, type HarnessRunner } from '../testing';

describe.each(testDatabaseKinds({ postgres: 'semantics' }))('degraded results on %s', (kind) => {
  let harness: ControllerHarness;
  beforeAll(async () => {
    harness = await createControllerHarness(kind);
  });
  afterAll(() => harness.dispose());

  let runnerCount = 0;

  async function leased(count: number, degradedLatencyMs: number | null): Promise<{ runner: HarnessRunner; runs: RunSpec[] }> {
    const runner = await harness.addRunner(`slow-${++runnerCount}`);
    await seedDueChecks(harness.db, { locations: [runner.slug], count, degradedLatencyMs });
    const response = await request(harness.app).get('/api/runner/checks').query({ limit: 500 }).set('Authorization', runner.authorization());
    expect(response.status).toBe(200);
    expect(response.body.runs).toHaveLength(count);
    return { runner, runs: response.body.runs };
  }

  const report = (runner: HarnessRunner, results: unknown[]) =>
    request(harness.app).post('/api/runner/report').set('Authorization', runner.authorization()).send({ results });

  const stored = (runId: string) => harness.db.prisma.checkResult.findFirstOrThrow({ where: { runId } });

  it("hands the check's latency rule out with the lease, and nothing for a check without one", async () => {
    expect((await leased(1, 800)).runs[0]).toMatchObject({ degraded_latency_ms: 800 });
    expect((await leased(1, null)).runs[0]).not.toHaveProperty('degraded_latency_ms');
  });

  it('stores a degraded result as such and a plain pass as not, and the results API shows it', async () => {
    const { runner, runs } = await leased(2, 800);
    const reason = { rule: 'latency', limit_ms: 800, latency_ms: 1234 };
    const response = await report(runner, [
      resultFor(runs[0], { latency_ms: 1234, degraded: true, details: { degraded: [reason] } }),
      resultFor(runs[1], { latency_ms: 40 }),
    ]);
    expect(response.status).toBe(202);
    expect(response.body.accepted).toBe(2);
    expect(await stored(runs[0].run_id)).toMatchObject({ ok: true, degraded: true, latencyMs: 1234 });
    expect(await stored(runs[1].run_id)).toMatchObject({ ok: true, degraded: false });

    const listed = await request(harness.app).get(`/api/v1/checks/${runs[0].check_id}/results`).set('Authorization', harness.admin);
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual([expect.objectContaining({ run_id: runs[0].run_id, ok: true, degraded: true, details: { degraded: [reason] } })]);
    const locations = await request(harness.app).get(`/api/v1/checks/${runs[1].check_id}/locations`).set('Authorization', harness.admin);
    expect(locations.body.data).toEqual([expect.objectContaining({ last_result: expect.objectContaining({ ok: true, degraded: false }) })]);
  });

  it('refuses a failed result marked degraded as an invalid body naming the field, storing nothing', async () => {
    const { runner, runs } = await leased(1, 800);
    const response = await report(runner, [resultFor(runs[0], { ok: false, error_code: 'ETIMEDOUT', degraded: true })]);
    expect(response.status).toBe(422);
    expect(response.body.error.message).toMatch(/degraded.*must not be true when ok is false/);
    expect(await harness.db.prisma.checkResult.count({ where: { runId: runs[0].run_id } })).toBe(0);
  });

  it('gives the @controller location the same rule and stores its degraded results the same way', async () => {
    await seedDueChecks(harness.db, { locations: [CONTROLLER_LOCATION], degradedLatencyMs: 300 });
    const link = ownLocationLink({ db: harness.db, metrics: new Registry(), secretKeys: SecretKeyring.fromText(generateSecretKey()) });
    const [run] = await link.poll(10);
    expect(run).toMatchObject({ degraded_latency_ms: 300 });
    const [outcome] = await link.report([resultFor(run, { latency_ms: 450, degraded: true })]);
    expect(outcome).toMatchObject({ outcome: 'accepted' });
    expect(await stored(run.run_id)).toMatchObject({ location: CONTROLLER_LOCATION, degraded: true });
  });
});
