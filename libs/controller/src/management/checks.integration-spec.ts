import { randomUUID } from 'node:crypto';
import { withTransaction } from '@vigil/db';
import { testDatabaseKinds } from '@vigil/db/testing';
import request from 'supertest';
import { addRunnerLocation, PARKED_UNTIL } from '../scheduling/location-states';
import { createControllerHarness, type ControllerHarness } from '../testing';

describe.each(testDatabaseKinds())('the checks API on %s', (kind) => {
  let harness: ControllerHarness;
  let siteId: string;
  beforeAll(async () => {
    harness = await createControllerHarness(kind);
    await harness.addRunner('eu-1');
    await harness.addRunner('us-1');
    await harness.addRunner('old-1');
    await harness.db.prisma.runner.update({ where: { slug: 'old-1' }, data: { revokedAt: new Date() } });
    siteId = (await post('/api/v1/sites', { name: 'Checked' })).body.id;
  });
  afterAll(() => harness.dispose());

  const post = (path: string, body: object, authorization = harness.admin) =>
    request(harness.app).post(path).set('Authorization', authorization).send(body);
  const patch = (path: string, body: object, authorization = harness.admin) =>
    request(harness.app).patch(path).set('Authorization', authorization).send(body);
  const get = (path: string, authorization = harness.admin) => request(harness.app).get(path).set('Authorization', authorization);
  const del = (path: string, authorization = harness.admin) => request(harness.app).delete(path).set('Authorization', authorization);
  const problems = (response: request.Response): Array<{ field: string; message: string }> => response.body.error.details.problems;
  const fields = (response: request.Response): string[] => problems(response).map((problem) => problem.field);

  const create = async (body: object) => {
    const response = await post('/api/v1/checks', { site_id: siteId, type: 'http', target: 'https://example.com', ...body });
    expect(response.status).toBe(201);
    return response.body as { id: string; effective_locations: string[] } & Record<string, unknown>;
  };
  const row = (uuid: string) => harness.db.prisma.check.findUniqueOrThrow({ where: { uuid }, include: { endpoint: true } });
  const states = async (uuid: string) =>
    (await harness.db.prisma.locationState.findMany({ where: { check: { uuid } } })).sort((a, b) => (a.location < b.location ? -1 : 1));
  const activeRunners = async () =>
    (await harness.db.prisma.runner.findMany({ where: { revokedAt: null } })).map((runner) => runner.slug).sort();

  describe('creating', () => {
    it('creates an http check with its defaults, its endpoint, and a state due now at every active runner', async () => {
      const before = Date.now();
      const response = await post('/api/v1/checks', { site_id: siteId, type: 'http', target: 'HTTPS://Example.com', name: 'Home' });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        site_id: siteId,
        name: 'Home',
        type: 'http',
        target: 'https://example.com/',
        spec: {
          method: 'GET',
          headers: {},
          expected_statuses: ['2xx', '3xx'],
          follow_redirects: true,
          max_redirects: 5,
          verify_tls: true,
        },
        interval_s: 60,
        down_interval_s: null,
        timeout_ms: 10_000,
        degraded_latency_ms: null,
        locations: [],
        effective_locations: await activeRunners(),
        failing_threshold: 2,
        passing_threshold: 1,
        failing_locations_threshold: '66%',
        enabled: true,
        export_metrics: false,
        status: 'unknown',
        last_checked_at: null,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
      expect(response.body.effective_locations).toEqual(expect.arrayContaining(['eu-1', 'us-1']));
      expect(response.body.effective_locations).not.toContain('old-1');
      const stored = await states(response.body.id);
      expect(stored.map((state) => state.location)).toEqual(await activeRunners());
      for (const state of stored) expect(state.nextDueAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
      for (const state of stored) expect(state.nextDueAt.getTime()).toBeGreaterThan(before - 60_000);
      const check = await row(response.body.id);
      expect(check.endpoint.target).toBe('https://example.com/');
      expect(check.spec).toEqual(response.body.spec);
    });

    it('reuses the site’s endpoint for the same target', async () => {
      const first = await create({ target: 'https://reused.example/' });
      const second = await create({ type: 'tls_cert', target: 'https://reused.example' });
      expect((await row(first.id)).endpointId).toBe((await row(second.id)).endpointId);
      const third = await create({ type: 'tcp', target: 'reused.example:443' });
      expect((await row(third.id)).endpointId).not.toBe((await row(first.id)).endpointId);
    });

    it('runs at exactly the locations it names, @controller included', async () => {
      const check = await create({ locations: ['us-1', '@controller'], failing_locations_threshold: 2 });
      expect(check.locations).toEqual(['us-1', '@controller']);
      expect(check.effective_locations).toEqual(['@controller', 'us-1']);
      expect(check.failing_locations_threshold).toBe(2);
      expect((await states(check.id)).map((state) => state.location)).toEqual(['@controller', 'us-1']);
    });

    it('stores each type’s spec with its defaults filled in', async () => {
      const tcp = await create({ type: 'tcp', target: 'db.example:5432', spec: { send: 'PING\r\n', expect: 'PONG' } });
      expect(tcp).toMatchObject({ target: 'db.example:5432', spec: { send: 'PING\r\n', expect: 'PONG', tls: false } });
      const dns = await create({ type: 'dns', target: 'Example.com.', spec: { record_type: 'MX' } });
      expect(dns).toMatchObject({ target: 'example.com', spec: { record_type: 'MX' } });
      const tls = await create({ type: 'tls_cert', target: 'example.com', interval_s: 3600, down_interval_s: 60, timeout_ms: 5000 });
      expect(tls).toMatchObject({
        target: 'example.com:443',
        interval_s: 3600,
        down_interval_s: 60,
        timeout_ms: 5000,
        spec: { warning_days: 30, degraded_days: 7, verify_chain: true },
      });
    });

    it('names the site when it does not exist, and each location that is not an active runner', async () => {
      const response = await post('/api/v1/checks', {
        site_id: randomUUID(),
        type: 'http',
        target: 'https://example.com',
        locations: ['eu-1', 'nowhere', '@controller', 'old-1'],
      });
      expect(response.status).toBe(422);
      expect(response.body.error.code).toBe('validation_failed');
      expect(problems(response)).toEqual([
        { field: 'site_id', message: 'no site has this id' },
        { field: 'locations[1]', message: 'no active runner has the slug "nowhere"' },
        { field: 'locations[3]', message: 'no active runner has the slug "old-1"' },
      ]);
    });

    it('names spec fields that are unknown or not valid, and a target that does not fit the type', async () => {
      const response = await post('/api/v1/checks', {
        site_id: siteId,
        type: 'http',
        target: 'example.com:80',
        spec: { expected_statuses: [200, '9xx'], methd: 'GET', json_assertions: [{ path: 'x', op: 'exists' }] },
      });
      expect(response.status).toBe(422);
      expect(fields(response)).toEqual(['target', 'spec.expected_statuses[1]', 'spec.json_assertions[0].path', 'spec.methd']);
      const tcp = await post('/api/v1/checks', { site_id: siteId, type: 'tcp', target: 'example.com' });
      expect(problems(tcp)).toEqual([{ field: 'target', message: 'must be host:port (a port from 1 to 65535)' }]);
    });

    it('names settings out of range or inconsistent', async () => {
      const unknownType = await post('/api/v1/checks', { site_id: siteId, type: 'ftp', target: 'x' });
      expect(fields(unknownType)).toEqual(['type']);
      const timing = await post('/api/v1/checks', { site_id: siteId, type: 'http', target: 'https://a.example', interval_s: 10, timeout_ms: 10_000 });
      expect(problems(timing)).toEqual([{ field: 'timeout_ms', message: 'must be less than interval_s × 1000 (10000)' }]);
      const outOfRange = await post('/api/v1/checks', {
        site_id: siteId,
        type: 'http',
        target: 'https://a.example',
        interval_s: 5,
        failing_threshold: 0,
        failing_locations_threshold: '0%',
      });
      expect(fields(outOfRange)).toEqual(['interval_s', 'failing_threshold', 'failing_locations_threshold']);
      const count = await post('/api/v1/checks', { site_id: siteId, type: 'http', target: 'https://a.example', locations: ['eu-1'], failing_locations_threshold: 2 });
      expect(fields(count)).toEqual(['failing_locations_threshold']);
    });
  });

  describe('locations', () => {
    it('adds a runner added later to the checks that name no locations, and only those', async () => {
      const implicit = await create({});
      const explicit = await create({ locations: ['eu-1'] });
      await harness.addRunner('late-1');
      await withTransaction(harness.db, (tx) => addRunnerLocation(tx, 'late-1'));
      expect((await get(`/api/v1/checks/${implicit.id}`)).body.effective_locations).toContain('late-1');
      expect((await get(`/api/v1/checks/${explicit.id}`)).body.effective_locations).toEqual(['eu-1']);
    });

    it('adds and removes states when the locations change, keeping the strikes of the ones kept', async () => {
      const check = await create({ locations: ['eu-1', 'us-1'] });
      const { prisma } = harness.db;
      await prisma.locationState.updateMany({ where: { check: { uuid: check.id } }, data: { failingStrikes: 3, resolved: false } });
      const response = await patch(`/api/v1/checks/${check.id}`, { locations: ['us-1', '@controller'] });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ locations: ['us-1', '@controller'], effective_locations: ['@controller', 'us-1'] });
      const after = await states(check.id);
      expect(after.map((state) => [state.location, state.failingStrikes, state.resolved])).toEqual([
        ['@controller', 0, true],
        ['us-1', 3, false],
      ]);
      const everywhere = await patch(`/api/v1/checks/${check.id}`, { locations: [] });
      expect(everywhere.body.effective_locations).toEqual(await activeRunners());
      const refused = await patch(`/api/v1/checks/${check.id}`, { locations: ['us-1', 'gone'] });
      expect(refused.status).toBe(422);
      expect(fields(refused)).toEqual(['locations[1]']);
    });

    it('reports strikes, schedule, lease and the newest result at each location', async () => {
      const check = await create({ locations: ['eu-1', 'us-1', '@controller'], failing_threshold: 2 });
      const { prisma } = harness.db;
      const { id: checkId, endpoint } = await row(check.id);
      await prisma.locationState.update({
        where: { checkId_location: { checkId, location: 'eu-1' } },
        data: { failingStrikes: 2, passingStrikes: 0, resolved: false, leaseRunId: randomUUID(), leasedUntil: new Date(Date.now() + 60_000) },
      });
      // us-1's run was reported: its lease is left to run out (its next slot is later), so it is not leased any more.
      const reportedRun = randomUUID();
      await prisma.locationState.update({
        where: { checkId_location: { checkId, location: 'us-1' } },
        data: { failingStrikes: 1, leaseRunId: reportedRun, leasedUntil: new Date(Date.now() + 60_000) },
      });
      const result = (location: string, at: string, ok: boolean, extra: object = {}) => ({
        checkId,
        siteId: endpoint.siteId,
        runId: randomUUID(),
        location,
        ok,
        checkedAt: new Date(at),
        ...extra,
      });
      await prisma.checkResult.createMany({
        data: [
          result('eu-1', '2026-11-23T10:00:00Z', true, { statusCode: 200, latencyMs: 80 }),
          result('eu-1', '2026-11-23T10:01:00Z', false, { statusCode: 503, latencyMs: 120, errorCode: 'unexpected_status', error: 'status 503' }),
          result('eu-1', '2026-11-23T09:59:00Z', true, { statusCode: 200 }),
          result('us-1', '2026-11-23T10:00:30Z', true, { statusCode: 200, latencyMs: 95, runId: reportedRun }),
        ],
      });

      const response = await get(`/api/v1/checks/${check.id}/locations`);
      expect(response.status).toBe(200);
      expect(response.body.data).toEqual([
        expect.objectContaining({ location: '@controller', failing_strikes: 0, failing: false, resolved: true, leased: false, last_result: null }),
        {
          location: 'eu-1',
          failing_strikes: 2,
          passing_strikes: 0,
          failing: true,
          resolved: false,
          next_due_at: expect.any(String),
          leased: true,
          fresh: false,
          inconclusive: false,
          last_result: {
            ok: false,
            degraded: false,
            inconclusive: false,
            status_code: 503,
            latency_ms: 120,
            error_code: 'unexpected_status',
            error: 'status 503',
            checked_at: '2026-11-23T10:01:00.000Z',
          },
        },
        expect.objectContaining({
          location: 'us-1',
          failing_strikes: 1,
          failing: false,
          leased: false,
          last_result: {
            ok: true,
            degraded: false,
            inconclusive: false,
            status_code: 200,
            latency_ms: 95,
            error_code: null,
            error: null,
            checked_at: '2026-11-23T10:00:30.000Z',
          },
        }),
      ]);
    });

    it('says which locations are fresh by the evaluator’s rule: conclusive and younger than 2 intervals + timeout + 10 s', async () => {
      // 60 s interval and 10 s timeout: fresh for 140 s.
      const check = await create({ locations: ['eu-1', 'us-1', '@controller'], interval_s: 60, timeout_ms: 10_000 });
      const { prisma } = harness.db;
      const { id: checkId, endpoint } = await row(check.id);
      const seen = (location: string, agoMs: number, inconclusive = false) =>
        prisma.locationState.update({
          where: { checkId_location: { checkId, location } },
          data: { lastResultAt: new Date(Date.now() - agoMs), lastOk: !inconclusive, lastInconclusive: inconclusive },
        });
      await seen('eu-1', 120_000);
      await seen('us-1', 150_000);
      await seen('@controller', 1_000, true);
      await prisma.checkResult.create({
        data: { checkId, siteId: endpoint.siteId, runId: randomUUID(), location: '@controller', ok: false, inconclusive: true, errorCode: 'EGRESS_DENIED', checkedAt: new Date() },
      });

      const response = await get(`/api/v1/checks/${check.id}/locations`);
      const byLocation = Object.fromEntries(
        (response.body.data as Array<{ location: string; fresh: boolean; inconclusive: boolean; last_result: { inconclusive: boolean } | null }>).map((l) => [l.location, l]),
      );
      expect(byLocation['eu-1']).toMatchObject({ fresh: true, inconclusive: false, last_result: null });
      expect(byLocation['us-1']).toMatchObject({ fresh: false, inconclusive: false });
      expect(byLocation['@controller']).toMatchObject({ fresh: false, inconclusive: true, last_result: { ok: false, inconclusive: true, error_code: 'EGRESS_DENIED' } });
      const results = await get(`/api/v1/checks/${check.id}/results`);
      expect(results.body.data).toEqual([expect.objectContaining({ location: '@controller', ok: false, inconclusive: true })]);
    });
  });

  describe('changing', () => {
    it('changes settings and replaces the spec, with defaults filled in', async () => {
      const check = await create({ spec: { method: 'HEAD', max_redirects: 2 } });
      const response = await patch(`/api/v1/checks/${check.id}`, {
        name: 'Renamed',
        interval_s: 300,
        down_interval_s: 30,
        timeout_ms: 20_000,
        failing_threshold: 3,
        passing_threshold: 2,
        failing_locations_threshold: '50%',
        spec: { expected_statuses: [204] },
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        id: check.id,
        name: 'Renamed',
        interval_s: 300,
        down_interval_s: 30,
        timeout_ms: 20_000,
        failing_threshold: 3,
        passing_threshold: 2,
        failing_locations_threshold: '50%',
        spec: { method: 'GET', expected_statuses: [204], max_redirects: 5 },
      });
      expect(new Date(response.body.updated_at).getTime()).toBeGreaterThanOrEqual(new Date(response.body.created_at).getTime());
      const cleared = await patch(`/api/v1/checks/${check.id}`, { name: null, down_interval_s: null });
      expect(cleared.body).toMatchObject({ name: null, down_interval_s: null, interval_s: 300 });
    });

    it('moves fresh_until with a new interval or timeout, for the locations a conclusive result keeps fresh', async () => {
      const check = await create({ locations: ['eu-1', 'us-1'], interval_s: 60, timeout_ms: 10_000 });
      const last = new Date('2026-12-04T12:00:00.000Z');
      const { prisma } = harness.db;
      await prisma.locationState.updateMany({ where: { check: { uuid: check.id }, location: 'eu-1' }, data: { lastResultAt: last, freshUntil: new Date(last.getTime() + 140_000) } });
      await prisma.locationState.updateMany({ where: { check: { uuid: check.id }, location: 'us-1' }, data: { lastResultAt: last, lastInconclusive: true } });
      expect((await patch(`/api/v1/checks/${check.id}`, { interval_s: 30, timeout_ms: 5_000 })).status).toBe(200);
      // 2 × 30 s + 5 s + 10 s: the freshness sweep's index now says when eu-1 goes stale under the new schedule.
      expect((await states(check.id)).map((s) => [s.location, s.freshUntil])).toEqual([
        ['eu-1', new Date(last.getTime() + 75_000)],
        ['us-1', null],
      ]);
      expect((await patch(`/api/v1/checks/${check.id}`, { timeout_ms: 8_000 })).status).toBe(200);
      expect((await states(check.id))[0]?.freshUntil).toEqual(new Date(last.getTime() + 78_000));
    });

    it('sets, keeps under the timeout and removes the degraded latency', async () => {
      const check = await create({ degraded_latency_ms: 800 });
      expect(check.degraded_latency_ms).toBe(800);
      expect((await row(check.id)).degradedLatencyMs).toBe(800);
      const tooSlow = await patch(`/api/v1/checks/${check.id}`, { timeout_ms: 500 });
      expect(problems(tooSlow)).toEqual([{ field: 'degraded_latency_ms', message: 'must be less than timeout_ms (500)' }]);
      expect((await patch(`/api/v1/checks/${check.id}`, { degraded_latency_ms: 1500 })).body).toMatchObject({ degraded_latency_ms: 1500 });
      expect((await patch(`/api/v1/checks/${check.id}`, { degraded_latency_ms: null })).body).toMatchObject({ degraded_latency_ms: null });
      expect((await get(`/api/v1/checks/${check.id}`)).body.degraded_latency_ms).toBeNull();
    });

    it('opts a check in and out of the Prometheus series, on every read, in the audit log, and refuses a non-boolean', async () => {
      const check = await create({ export_metrics: true });
      expect(check.export_metrics).toBe(true);
      expect((await row(check.id)).exportMetrics).toBe(true);
      expect((await get(`/api/v1/checks/${check.id}`)).body.export_metrics).toBe(true);
      const listed = (await get(`/api/v1/checks?site_id=${siteId}&limit=100`)).body.data as Array<{ id: string; export_metrics: boolean }>;
      expect(listed.find((item) => item.id === check.id)?.export_metrics).toBe(true);
      expect((await patch(`/api/v1/checks/${check.id}`, { export_metrics: false })).body).toMatchObject({ export_metrics: false });
      expect((await row(check.id)).exportMetrics).toBe(false);
      // A change of anything else keeps it.
      expect((await patch(`/api/v1/checks/${check.id}`, { name: 'Still out' })).body).toMatchObject({ export_metrics: false });
      expect(fields(await patch(`/api/v1/checks/${check.id}`, { export_metrics: 'yes' }))).toEqual(['export_metrics']);
      expect(fields(await post('/api/v1/checks', { site_id: siteId, type: 'http', target: 'https://example.com', export_metrics: 1 }))).toEqual(['export_metrics']);
      const audited = await harness.db.prisma.auditLog.findFirstOrThrow({ where: { method: 'PATCH', resourceId: check.id, status: 200 }, orderBy: { id: 'asc' } });
      expect(audited.summary).toMatchObject({ fields: ['export_metrics'], values: { export_metrics: false } });
    });

    it('checks a change against the settings it keeps and the check’s type', async () => {
      const check = await create({ type: 'tcp', target: 'db.example:5432', interval_s: 30 });
      const timing = await patch(`/api/v1/checks/${check.id}`, { timeout_ms: 30_000 });
      expect(problems(timing)).toEqual([{ field: 'timeout_ms', message: 'must be less than interval_s × 1000 (30000)' }]);
      const typed = await patch(`/api/v1/checks/${check.id}`, { target: 'https://db.example/', spec: { method: 'GET', tls: 'no' } });
      expect(typed.status).toBe(422);
      expect(fields(typed)).toEqual(['target', 'spec.tls', 'spec.method']);
      const immutable = await patch(`/api/v1/checks/${check.id}`, { type: 'http', site_id: siteId });
      expect(immutable.status).toBe(422);
      expect(problems(immutable)).toEqual([{ field: '', message: 'has unknown fields "type", "site_id"' }]);
      expect((await get(`/api/v1/checks/${check.id}`)).body).toMatchObject({ type: 'tcp', target: 'db.example:5432', timeout_ms: 10_000 });
    });

    it('moves the check to the endpoint of its new target, created or reused', async () => {
      const check = await create({ target: 'https://old.example/' });
      const other = await create({ target: 'https://shared.example/' });
      const moved = await patch(`/api/v1/checks/${check.id}`, { target: 'https://Shared.example' });
      expect(moved.status).toBe(200);
      expect(moved.body.target).toBe('https://shared.example/');
      expect((await row(check.id)).endpointId).toBe((await row(other.id)).endpointId);
      const fresh = await patch(`/api/v1/checks/${check.id}`, { target: 'https://new.example/' });
      const endpoint = (await row(check.id)).endpoint;
      expect(fresh.body.target).toBe('https://new.example/');
      expect(endpoint).toMatchObject({ target: 'https://new.example/', siteId: (await row(other.id)).endpoint.siteId });
    });

    it('parks the schedule when disabling, and makes every location due now when enabling again', async () => {
      const check = await create({ locations: ['eu-1', 'us-1'] });
      const { prisma } = harness.db;
      const later = new Date(Date.now() + 3_600_000);
      await prisma.locationState.updateMany({ where: { check: { uuid: check.id } }, data: { nextDueAt: later } });

      const disabled = await patch(`/api/v1/checks/${check.id}`, { enabled: false });
      expect(disabled.status).toBe(200);
      expect(disabled.body.enabled).toBe(false);
      for (const state of await states(check.id)) expect(state.nextDueAt).toEqual(PARKED_UNTIL);
      expect(await prisma.siteEvent.count({ where: { check: { uuid: check.id } } })).toBe(0);

      const enabled = await patch(`/api/v1/checks/${check.id}`, { enabled: true });
      expect(enabled.body.enabled).toBe(true);
      for (const state of await states(check.id)) expect(state.nextDueAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    });
  });

  describe('listing and reading', () => {
    it('lists checks by site, type and enabled, page after page', async () => {
      const site = (await post('/api/v1/sites', { name: 'Listed' })).body.id as string;
      const made: string[] = [];
      for (const [type, target, enabled] of [
        ['http', 'https://l1.example', true],
        ['tcp', 'l2.example:25', true],
        ['http', 'https://l3.example', false],
        ['http', 'https://l4.example', true],
        ['dns', 'l5.example', true],
      ] as const) {
        made.push((await post('/api/v1/checks', { site_id: site, type, target, enabled })).body.id);
      }
      const ids = (response: request.Response) => (response.body.data as Array<{ id: string }>).map((check) => check.id);

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: request.Response = await get(`/api/v1/checks?site_id=${site}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        seen.push(...ids(page));
        cursor = page.body.next_cursor;
      } while (cursor !== null);
      expect(seen).toEqual(made);

      expect(ids(await get(`/api/v1/checks?site_id=${site}&type=http`))).toEqual([made[0], made[2], made[3]]);
      expect(ids(await get(`/api/v1/checks?site_id=${site}&type=http&enabled=false`))).toEqual([made[2]]);
      expect(ids(await get(`/api/v1/checks?site_id=${randomUUID()}`))).toEqual([]);
      expect((await get('/api/v1/checks?enabled=maybe')).status).toBe(400);
    });

    it('gets a check, and answers 404 naming the check for an unknown id', async () => {
      const check = await create({ name: 'Readable' });
      const response = await get(`/api/v1/checks/${check.id}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual(check);
      const unknown = randomUUID();
      const missing = await get(`/api/v1/checks/${unknown}`);
      expect(missing.status).toBe(404);
      expect(missing.body.error).toEqual({ code: 'not_found', message: `No check with id ${unknown}` });
      expect((await get('/api/v1/checks/12')).status).toBe(400);
    });
  });

  describe('results', () => {
    it('pages through results newest first, without repeating or skipping rows that share a time', async () => {
      const check = await create({ locations: ['eu-1', 'us-1'] });
      const { id: checkId, endpoint } = await row(check.id);
      const times = ['10:00:00', '10:01:00', '10:01:00', '10:01:00', '10:02:00', '10:03:00', '10:03:00'];
      await harness.db.prisma.checkResult.createMany({
        data: times.map((time, index) => ({
          checkId,
          siteId: endpoint.siteId,
          runId: randomUUID(),
          location: index % 2 === 0 ? 'eu-1' : 'us-1',
          ok: index !== 3,
          statusCode: 200 + index,
          latencyMs: 10 * index,
          timings: { dns: 1, total: 10 * index },
          details: { index },
          checkedAt: new Date(`2026-11-23T${time}Z`),
        })),
      });

      const pages: Array<Array<{ status_code: number; checked_at: string }>> = [];
      let cursor: string | null = null;
      do {
        const page: request.Response = await get(`/api/v1/checks/${check.id}/results?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        pages.push(page.body.data);
        cursor = page.body.next_cursor;
      } while (cursor !== null);
      expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
      const all = pages.flat();
      expect(new Set(all.map((result) => result.status_code)).size).toBe(7);
      const checkedAt = all.map((result) => result.checked_at);
      expect(checkedAt).toEqual([...checkedAt].sort().reverse());
      expect(all[0]).toEqual({
        run_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        location: expect.any(String),
        ok: true,
        degraded: false,
        inconclusive: false,
        status_code: expect.any(Number),
        latency_ms: expect.any(Number),
        timings: { dns: 1, total: expect.any(Number) },
        error_code: null,
        error: null,
        details: { index: expect.any(Number) },
        checked_at: '2026-11-23T10:03:00.000Z',
        received_at: expect.any(String),
      });

      const euOnly = await get(`/api/v1/checks/${check.id}/results?location=eu-1`);
      expect((euOnly.body.data as Array<{ location: string }>).map((result) => result.location)).toEqual(['eu-1', 'eu-1', 'eu-1', 'eu-1']);
      const window = await get(`/api/v1/checks/${check.id}/results?since=2026-11-23T10:01:00Z&until=2026-11-23T10:03:00Z`);
      expect((window.body.data as Array<{ status_code: number }>).map((result) => result.status_code).sort()).toEqual([201, 202, 203, 204]);
    });

    it('refuses a query or cursor that is not valid', async () => {
      const check = await create({});
      expect((await get(`/api/v1/checks/${check.id}/results?since=yesterday`)).status).toBe(400);
      const forged = Buffer.from(JSON.stringify({ at: 'x', id: '1' })).toString('base64url');
      const response = await get(`/api/v1/checks/${check.id}/results?cursor=${forged}`);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('invalid_cursor');
    });
  });

  describe('deleting', () => {
    it('soft-deletes a check, which is 404 everywhere afterwards', async () => {
      const check = await create({ name: 'Doomed' });
      expect((await del(`/api/v1/checks/${check.id}`)).status).toBe(204);
      const stored = await row(check.id);
      expect(stored.deletedAt).not.toBeNull();
      expect(stored.enabled).toBe(false);
      for (const state of await states(check.id)) expect(state.nextDueAt).toEqual(PARKED_UNTIL);
      for (const response of [
        await get(`/api/v1/checks/${check.id}`),
        await patch(`/api/v1/checks/${check.id}`, { name: 'Back' }),
        await del(`/api/v1/checks/${check.id}`),
        await get(`/api/v1/checks/${check.id}/locations`),
        await get(`/api/v1/checks/${check.id}/results`),
      ]) {
        expect(response.status).toBe(404);
        expect(response.body.error.code).toBe('not_found');
      }
      const listed = await get(`/api/v1/checks?site_id=${siteId}&limit=500`);
      expect((listed.body.data as Array<{ id: string }>).map((item) => item.id)).not.toContain(check.id);
    });
  });

  describe('access', () => {
    it('lets a read key read checks but not create, change or delete them', async () => {
      const reader = await harness.keyWith(['read']);
      const check = await create({});
      for (const path of [`/api/v1/checks/${check.id}`, '/api/v1/checks', `/api/v1/checks/${check.id}/locations`, `/api/v1/checks/${check.id}/results`]) {
        expect((await get(path, reader)).status).toBe(200);
      }
      for (const response of [
        await post('/api/v1/checks', { site_id: siteId, type: 'http', target: 'https://example.com' }, reader),
        await patch(`/api/v1/checks/${check.id}`, { enabled: false }, reader),
        await del(`/api/v1/checks/${check.id}`, reader),
      ]) {
        expect(response.status).toBe(403);
      }
      expect((await get(`/api/v1/checks/${check.id}`)).body.enabled).toBe(true);
    });

    it('answers 401 without a key', async () => {
      expect((await request(harness.app).get('/api/v1/checks')).status).toBe(401);
      expect((await request(harness.app).post('/api/v1/checks').send({})).status).toBe(401);
    });
  });
});
