import { testDatabaseKinds } from '@vigil/db/testing';
import request from 'supertest';
import { createControllerHarness, type ControllerHarness, type HarnessRunner } from '../testing';
import { seedDueChecks } from './test-helpers';

describe.each(testDatabaseKinds({ postgres: 'semantics' }))('runner load and expired leases on %s', (kind) => {
  let harness: ControllerHarness;
  beforeAll(async () => {
    harness = await createControllerHarness(kind);
  });
  afterAll(() => harness.dispose());

  let runnerCount = 0;
  const newRunner = () => harness.addRunner(`load-${++runnerCount}`);
  const poll = (runner: HarnessRunner, load?: string) => {
    const call = request(harness.app).get('/api/runner/checks').query({ limit: 500 }).set('Authorization', runner.authorization());
    return load === undefined ? call : call.set('Vigil-Load', load);
  };

  it("stores the runner's load from its header, with its concurrency and when it last changed, and serves it", async () => {
    const runner = await newRunner();
    const row = () => harness.db.prisma.runner.findUniqueOrThrow({ where: { id: runner.id } });

    expect((await poll(runner)).status).toBe(200);
    expect(await row()).toMatchObject({ load: null, loadConcurrency: null, loadChangedAt: null });

    expect((await poll(runner, 'behind; concurrency=200')).status).toBe(200);
    const behind = await row();
    expect(behind).toMatchObject({ load: 'behind', loadConcurrency: 200 });
    expect(behind.loadChangedAt).toBeInstanceOf(Date);

    // A new concurrency is stored at once; the load did not change, so neither does its time.
    // A header it cannot read is left alone, never refused.
    expect((await poll(runner, 'behind; concurrency=400')).status).toBe(200);
    expect((await poll(runner, 'swamped')).status).toBe(200);
    expect(await row()).toMatchObject({ load: 'behind', loadConcurrency: 400, loadChangedAt: behind.loadChangedAt });

    expect((await poll(runner, 'ok; concurrency=100')).status).toBe(200);
    const ok = await row();
    expect(ok).toMatchObject({ load: 'ok', loadConcurrency: 100 });
    expect(Number(ok.loadChangedAt)).toBeGreaterThan(Number(behind.loadChangedAt));

    const one = await request(harness.app).get(`/api/v1/runners/${runner.slug}`).set('Authorization', harness.admin);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ load: 'ok', load_concurrency: 100, load_changed_at: ok.loadChangedAt?.toISOString() });
    const all = await request(harness.app).get('/api/v1/runners').set('Authorization', harness.admin);
    expect(all.status).toBe(200);
    expect(JSON.stringify(all.body)).toContain('"load":"ok","load_concurrency":100');
  });

  it('tells the runner when the previous lease of a run it gets ran out unrun', async () => {
    const runner = await newRunner();
    await seedDueChecks(harness.db, { locations: [runner.slug], count: 2 });
    const first = await poll(runner);
    expect(first.body.runs).toHaveLength(2);
    expect(first.body.runs.map((run: Record<string, unknown>) => run.previous_lease_expired)).toEqual([undefined, undefined]);
    // Neither run is reported; their leases run out and they are due again.
    await harness.db.prisma.$executeRaw`
      UPDATE location_states SET leased_until = now() - interval '1 second', next_due_at = now() - interval '1 second' WHERE location = ${runner.slug}`;
    const again = await poll(runner);
    expect(again.body.runs).toHaveLength(2);
    expect(again.body.runs.map((run: Record<string, unknown>) => run.previous_lease_expired)).toEqual([true, true]);
  });
});
