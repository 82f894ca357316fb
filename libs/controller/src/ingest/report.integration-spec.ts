import { randomUUID } from 'node:crypto';
import type { ReportedResult, RunSpec } from '@vigil/contracts';
import { testDatabaseKinds } from '@vigil/db/testing';
import type { Express } from 'express';
import { Client } from 'pg';
import request from 'supertest';
import { type DueCheckOptions, seedDueChecks, resultFor } from '../runner-api/test-helpers';
import { createControllerHarness, type ControllerHarness, type HarnessRunner } from '../testing';

// PostgreSQL: two instances storing one report at once, and NOTIFY to the evaluator.
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('POST /api/runner/report on %s', (kind) => {
  let harness: ControllerHarness;
  beforeAll(async () => {
    harness = await createControllerHarness(kind);
  });
  afterAll(() => harness.dispose());

  let runnerCount = 0;
  const newRunner = () => harness.addRunner(`report-${++runnerCount}`);

  async function poll(runner: HarnessRunner): Promise<RunSpec[]> {
    const response = await request(harness.app).get('/api/runner/checks').query({ limit: 500 }).set('Authorization', runner.authorization());
    expect(response.status).toBe(200);
    return response.body.runs;
  }

  const report = (runner: HarnessRunner, results: unknown[], app: Express = harness.app) =>
    request(app).post('/api/runner/report').set('Authorization', runner.authorization()).send({ results });

  /** A runner with `count` leased runs. */
  async function leased(
    count = 1,
    options: Omit<DueCheckOptions, 'locations' | 'count'> = {},
  ): Promise<{ runner: HarnessRunner; runs: RunSpec[]; checks: Array<{ id: number; uuid: string }> }> {
    const runner = await newRunner();
    const checks = await seedDueChecks(harness.db, { ...options, locations: [runner.slug], count });
    const runs = await poll(runner);
    expect(runs).toHaveLength(count);
    return { runner, runs, checks };
  }

  const storedRows = (runId: string) => harness.db.prisma.checkResult.findMany({ where: { runId } });

  it('accepts a result of a leased run, stores it once, releases the lease, and calls a repeat a duplicate', async () => {
    // A 10 s interval puts the next slot inside the 35 s lease, so the lease is released.
    const { runner, runs, checks } = await leased(1, { intervalS: 10 });
    const [run] = runs;
    const result: ReportedResult = resultFor(run, {
      ok: false,
      status_code: 503,
      latency_ms: 12.6,
      error_code: 'unexpected_status',
      error: 'expected 200, got 503',
      details: { body_excerpt: 'Service Unavailable' },
      checked_at: '2026-11-23T10:00:00.123+01:00',
    });

    const first = await report(runner, [result]);
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ results: [{ run_id: run.run_id, check_id: run.check_id, outcome: 'accepted' }], accepted: 1, duplicates: 0, rejected: 0 });

    const rows = await storedRows(run.run_id);
    expect(rows).toHaveLength(1);
    const state = await harness.db.prisma.locationState.findFirstOrThrow({ where: { checkId: checks[0].id, location: runner.slug } });
    expect(rows[0]).toMatchObject({
      checkId: checks[0].id,
      siteId: state.siteId,
      location: runner.slug,
      ok: false,
      statusCode: 503,
      latencyMs: 13,
      timings: result.timings,
      errorCode: 'unexpected_status',
      error: 'expected 200, got 503',
      details: { body_excerpt: 'Service Unavailable' },
      checkedAt: new Date('2026-11-23T09:00:00.123Z'),
    });
    // The state is not written: the stored result frees the lease, and the run id stays so that late
    // repeats are recognised. Strikes are the evaluator's.
    expect(state).toMatchObject({ leaseRunId: run.run_id, failingStrikes: 0, lastResultAt: null });
    expect(state.leasedUntil).not.toBeNull();

    const again = await report(runner, [result]);
    expect(again.status).toBe(202);
    expect(again.body).toEqual({ results: [{ run_id: run.run_id, check_id: run.check_id, outcome: 'duplicate' }], accepted: 0, duplicates: 1, rejected: 0 });
    expect(await storedRows(run.run_id)).toHaveLength(1);
    // Queued for the evaluator with the statement that stored it, once: the repeat stored nothing and queued nothing.
    expect(await harness.db.prisma.pendingResult.findMany({ where: { checkId: checks[0].id } })).toEqual([
      { checkId: checks[0].id, resultId: rows[0].id, checkedAt: rows[0].checkedAt },
    ]);
  });

  describe('freeing the lease of an accepted run', () => {
    const stateOf = (checkId: number, location: string) =>
      harness.db.prisma.locationState.findUniqueOrThrow({ where: { checkId_location: { checkId, location } } });
    /** The row version: it changes with every update of the row, even one that writes the same values. */
    const rowVersion = async (checkId: number, location: string) =>
      (await harness.db.prisma.$queryRaw<Array<{ xmin: string }>>`SELECT xmin::text FROM location_states WHERE check_id = ${checkId} AND location = ${location}`)[0]
        .xmin;
    const moveState = (checkId: number, data: { nextDueAt?: Date; leasedUntil?: Date }) =>
      harness.db.prisma.locationState.updateMany({ where: { checkId }, data });
    const shownLeased = async (checkUuid: string, location: string): Promise<boolean> => {
      const response = await request(harness.app).get(`/api/v1/checks/${checkUuid}/locations`).set('Authorization', harness.admin);
      expect(response.status).toBe(200);
      return response.body.data.find((item: { location: string }) => item.location === location).leased;
    };
    const expiredLeases = async (): Promise<number> => {
      const metric = await harness.metrics.getSingleMetric('vigil_leases_expired_total')?.get();
      return metric?.values.reduce((sum, value) => sum + value.value, 0) ?? 0;
    };

    it('leaves the state untouched when the next slot comes after the lease ends, and neither shows the run leased nor counts it expired when leased again', async () => {
      const { runner, runs, checks } = await leased(1, { intervalS: 3600 });
      const leasedUntil = (await stateOf(checks[0].id, runner.slug)).leasedUntil ?? new Date(Number.NaN);
      await moveState(checks[0].id, { nextDueAt: new Date(leasedUntil.getTime() + 60_000) });
      const before = await stateOf(checks[0].id, runner.slug);
      const version = await rowVersion(checks[0].id, runner.slug);
      expect(await shownLeased(checks[0].uuid, runner.slug)).toBe(true);

      expect((await report(runner, [resultFor(runs[0])])).body.accepted).toBe(1);
      expect(await rowVersion(checks[0].id, runner.slug)).toBe(version);
      expect(await stateOf(checks[0].id, runner.slug)).toEqual(before);
      expect(await shownLeased(checks[0].uuid, runner.slug)).toBe(false);

      // The lease runs out, then the next slot comes: a new run, and no expired lease.
      const expiredBefore = await expiredLeases();
      const past = new Date(Date.now() - 1_000);
      await moveState(checks[0].id, { leasedUntil: past, nextDueAt: past });
      const [again] = await poll(runner);
      expect(again).toMatchObject({ check_id: checks[0].uuid, due_at: past.toISOString() });
      expect(again.run_id).not.toBe(runs[0].run_id);
      expect(await expiredLeases()).toBe(expiredBefore);
    });

    it('leaves the state untouched when the next slot comes before the lease ends, and leases the run again at that slot', async () => {
      const { runner, runs, checks } = await leased(1, { intervalS: 3600 });
      // The next slot has come while the run was out.
      const slot = new Date(Date.now() - 1_000);
      await moveState(checks[0].id, { nextDueAt: slot });
      expect(await poll(runner)).toEqual([]);
      const before = await stateOf(checks[0].id, runner.slug);
      const version = await rowVersion(checks[0].id, runner.slug);

      expect((await report(runner, [resultFor(runs[0])])).body.accepted).toBe(1);
      // No second write of the row per run: the stored result is what frees the lease.
      expect(await rowVersion(checks[0].id, runner.slug)).toBe(version);
      expect(await stateOf(checks[0].id, runner.slug)).toEqual(before);
      expect(before).toMatchObject({ leaseRunId: runs[0].run_id, nextDueAt: slot });
      expect(await shownLeased(checks[0].uuid, runner.slug)).toBe(false);

      const expiredBefore = await expiredLeases();
      const [again] = await poll(runner);
      expect(again).toMatchObject({ check_id: checks[0].uuid, due_at: slot.toISOString() });
      expect(again.run_id).not.toBe(runs[0].run_id);
      expect(await expiredLeases()).toBe(expiredBefore);
      expect(await shownLeased(checks[0].uuid, runner.slug)).toBe(true);
    });
  });

  it('stores only results that carry no optional fields, with NULLs for them', async () => {
    const { runner, runs } = await leased();
    const response = await report(runner, [{ run_id: runs[0].run_id, check_id: runs[0].check_id, ok: true, checked_at: new Date().toISOString() }]);
    expect(response.body.accepted).toBe(1);
    const [row] = await storedRows(runs[0].run_id);
    expect(row).toMatchObject({ statusCode: null, latencyMs: null, timings: null, errorCode: null, error: null, details: null });
  });

  it('rejects a result for a run leased to another runner as not_leased, and stores nothing', async () => {
    const owner = await newRunner();
    const other = await newRunner();
    await seedDueChecks(harness.db, { locations: [owner.slug, other.slug] });
    const [run] = await poll(owner);

    const stolen = await report(other, [resultFor(run)]);
    expect(stolen.status).toBe(202);
    expect(stolen.body.results).toEqual([{ run_id: run.run_id, check_id: run.check_id, outcome: 'rejected', reason: 'not_leased' }]);
    expect(await storedRows(run.run_id)).toHaveLength(0);

    // Once the owner's result is in, the other runner still cannot pass it off as its own.
    expect((await report(owner, [resultFor(run)])).body.accepted).toBe(1);
    expect((await report(other, [resultFor(run)])).body.results[0]).toMatchObject({ outcome: 'rejected', reason: 'not_leased' });
  });

  it('rejects a run id that was never leased, and one superseded by a newer lease', async () => {
    const { runner, runs, checks } = await leased();
    const never = await report(runner, [resultFor({ run_id: randomUUID(), check_id: runs[0].check_id })]);
    expect(never.body.results[0]).toMatchObject({ outcome: 'rejected', reason: 'not_leased' });

    const past = new Date(Date.now() - 1_000);
    await harness.db.prisma.locationState.updateMany({ where: { checkId: checks[0].id }, data: { leasedUntil: past, nextDueAt: past } });
    const [newer] = await poll(runner);
    const late = await report(runner, [resultFor(runs[0]), resultFor(newer)]);
    expect(late.body.results.map((item: { outcome: string; reason?: string }) => item.reason ?? item.outcome)).toEqual(['not_leased', 'accepted']);
  });

  it('rejects results for unknown and deleted checks as unknown_check', async () => {
    const { runner, runs, checks } = await leased();
    await harness.db.prisma.check.update({ where: { id: checks[0].id }, data: { deletedAt: new Date() } });
    const response = await report(runner, [resultFor({ run_id: randomUUID(), check_id: randomUUID() }), resultFor(runs[0])]);
    expect(response.body).toMatchObject({
      results: [
        { outcome: 'rejected', reason: 'unknown_check' },
        { outcome: 'rejected', reason: 'unknown_check' },
      ],
      rejected: 2,
    });
  });

  it('rejects a checked_at more than a minute ahead of the controller’s clock, and accepts one within it', async () => {
    const { runner, runs } = await leased(2);
    const response = await report(runner, [
      resultFor(runs[0], { checked_at: '2999-01-01T00:00:00Z' }),
      resultFor(runs[1], { checked_at: new Date(Date.now() + 30_000).toISOString() }),
    ]);
    expect(response.body.results.map((item: { outcome: string; reason?: string }) => item.reason ?? item.outcome)).toEqual([
      'checked_at_in_future',
      'accepted',
    ]);
    expect(await storedRows(runs[0].run_id)).toHaveLength(0);
  });

  it('answers a mixed batch item by item, in the order sent, storing a run sent twice once', async () => {
    const { runner, runs } = await leased(3);
    const response = await report(runner, [
      resultFor(runs[2]),
      resultFor({ run_id: randomUUID(), check_id: randomUUID() }),
      resultFor(runs[0]),
      resultFor(runs[2], { ok: false }),
      resultFor(runs[1], { checked_at: '2999-01-01T00:00:00Z' }),
    ]);
    expect(response.status).toBe(202);
    expect(response.body.results.map((item: { check_id: string }) => item.check_id)[2]).toBe(runs[0].check_id);
    expect(response.body.results.map((item: { outcome: string; reason?: string }) => item.reason ?? item.outcome)).toEqual([
      'accepted',
      'unknown_check',
      'accepted',
      'duplicate',
      'checked_at_in_future',
    ]);
    expect(response.body).toMatchObject({ accepted: 2, duplicates: 1, rejected: 2 });
    const [kept] = await storedRows(runs[2].run_id);
    expect(kept.ok).toBe(true);
  });

  it('stores a batch of a hundred results in one request', async () => {
    const { runner, runs } = await leased(100);
    const response = await report(runner, runs.map((run) => resultFor(run)));
    expect(response.body).toMatchObject({ accepted: 100, duplicates: 0, rejected: 0 });
    expect(await harness.db.prisma.checkResult.count({ where: { location: runner.slug } })).toBe(100);
  });

  it('stores one row when two instances receive the same report at once: one accepted, one duplicate', async () => {
    const { runner, runs } = await leased(20);
    const results = runs.map((run) => resultFor(run));
    const [a, b] = await Promise.all([report(runner, results), report(runner, results, harness.anotherApp())]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body.accepted + b.body.accepted).toBe(20);
    expect(a.body.duplicates + b.body.duplicates).toBe(20);
    for (let i = 0; i < 20; i++) {
      expect([a.body.results[i].outcome, b.body.results[i].outcome].sort()).toEqual(['accepted', 'duplicate']);
    }
    expect(await harness.db.prisma.checkResult.count({ where: { location: runner.slug } })).toBe(20);
    const stored = await harness.db.prisma.checkResult.findMany({ where: { location: runner.slug }, select: { id: true } });
    expect(await harness.db.prisma.pendingResult.count({ where: { resultId: { in: stored.map((r) => r.id) } } })).toBe(20);
  });

  it('counts results by outcome, and requests by route, in /metrics', async () => {
    const { runner, runs } = await leased();
    await report(runner, [resultFor(runs[0]), resultFor(runs[0]), resultFor({ run_id: randomUUID(), check_id: randomUUID() })]);
    const text = (await request(harness.app).get('/metrics')).text;
    const sample = (name: string, labels: Record<string, string> = {}): number => {
      const line = text
        .split('\n')
        .find((candidate) => candidate.startsWith(`${name}{`) && Object.entries(labels).every(([key, value]) => candidate.includes(`${key}="${value}"`)));
      return line === undefined ? Number.NaN : Number(line.slice(line.lastIndexOf(' ') + 1));
    };
    for (const outcome of ['accepted', 'duplicate', 'rejected']) expect(sample('vigil_results_ingested_total', { outcome })).toBeGreaterThan(0);
    expect(sample('vigil_leases_issued_total')).toBeGreaterThan(0);
    expect(sample('vigil_leases_expired_total')).toBeGreaterThanOrEqual(0);
    expect(sample('http_requests_total', { method: 'POST', route: '/api/runner/report', status_code: '202' })).toBeGreaterThan(0);
    expect(sample('http_requests_total', { method: 'GET', route: '/api/runner/checks', status_code: '200' })).toBeGreaterThan(0);
  });

  describe('a malformed report never reaches the database', () => {
    let runner: HarnessRunner;
    let run: RunSpec;
    beforeAll(async () => {
      ({ runner, runs: [run] } = await leased());
    });
    afterEach(async () => {
      expect(await storedRows(run.run_id)).toHaveLength(0);
    });

    const send = (body: string, contentType = 'application/json') =>
      request(harness.app).post('/api/runner/report').set('Authorization', runner.authorization()).set('Content-Type', contentType).send(body);

    it('answers 400 to a body that is not JSON', async () => {
      const response = await send('{"results": [');
      expect(response.status).toBe(400);
      expect(response.body.error.message).toBe('Request body is not valid JSON');
    });

    it('answers 415 to a body that is not sent as JSON', async () => {
      const response = await send(JSON.stringify({ results: [resultFor(run)] }), 'text/plain');
      expect(response.status).toBe(415);
      expect(response.body.error.code).toBe('unsupported_media_type');
    });

    it('answers 422 to more than 500 results', async () => {
      const response = await report(runner, Array.from({ length: 501 }, () => resultFor(run)));
      expect(response.status).toBe(422);
      expect(response.body.error.details.problems).toEqual([{ field: 'results', message: expect.stringMatching(/500/) }]);
    });

    it('answers 422 naming a missing checked_at', async () => {
      const incomplete: Partial<ReportedResult> = resultFor(run);
      delete incomplete.checked_at;
      const response = await report(runner, [incomplete]);
      expect(response.status).toBe(422);
      expect(response.body.error).toMatchObject({ code: 'validation_failed', details: { problems: [{ field: 'results[0].checked_at', message: 'is required' }] } });
    });

    it.each([
      ['an unknown field', { extra: 1 }, 'results[0]'],
      ['a run id that is not a UUID', { run_id: 'run-1' }, 'results[0].run_id'],
      ['a latency below zero', { latency_ms: -1 }, 'results[0].latency_ms'],
      ['an unpaired surrogate in the details', { details: { note: 'half \ud800 pair' } }, 'results[0].details'],
      ['a checked_at that is no date', { checked_at: '2026-02-31T00:00:00Z' }, 'results[0].checked_at'],
      ['a checked_at in year 0', { checked_at: '0000-01-01T00:00:00Z' }, 'results[0].checked_at'],
      ['a checked_at without a time zone', { checked_at: '2026-11-23T10:00:00' }, 'results[0].checked_at'],
    ])('answers 422 to %s, naming the field', async (_, patch, field) => {
      const response = await send(JSON.stringify({ results: [{ ...resultFor(run), ...patch }] }));
      expect(response.status).toBe(422);
      expect(response.body.error.details.problems[0].field).toBe(field);
    });

    // Both are refused on the raw text, before the body is parsed (libs/http jsonBody).
    it.each([
      ['a NUL character in the error', { error: 'bad\u0000byte' }],
      ['a NUL character in a details key', { details: { 'a\u0000b': 1 } }],
    ])('answers 400 invalid_json to %s', async (_, patch) => {
      const response = await send(JSON.stringify({ results: [{ ...resultFor(run), ...patch }] }));
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('invalid_json');
    });

    it('answers 400 json_too_deep to details nested deeper than the call stack goes', async () => {
      const result = JSON.stringify(resultFor(run)).replace(/\}$/, `,"details":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`);
      const response = await send(`{"results":[${result}]}`);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('json_too_deep');
    });

    it('answers 422 to a body that is not an object of results', async () => {
      for (const body of ['[]', '{}', '{"results": []}', '{"results": {}}']) {
        const response = await send(body);
        expect(response.status).toBe(422);
      }
    });
  });

  if (kind === 'postgres') {
    it('wakes the evaluator once per batch that stored something', async () => {
      const listener = new Client({ connectionString: harness.url });
      await listener.connect();
      try {
        const notifications: string[] = [];
        listener.on('notification', (message) => notifications.push(message.channel));
        await listener.query('LISTEN vigil_results');
        const { runner, runs } = await leased(2);
        await report(runner, [resultFor({ run_id: randomUUID(), check_id: randomUUID() })]);
        await report(runner, runs.map((run) => resultFor(run)));
        // A query round trip after both commits: anything they notified has arrived by its end.
        await listener.query('SELECT 1');
        expect(notifications).toEqual(['vigil_results']);
      } finally {
        await listener.end();
      }
    });
  }
});
