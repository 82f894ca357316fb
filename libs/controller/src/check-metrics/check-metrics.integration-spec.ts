import type { RunSpec } from '@vigil/contracts';
import { testDatabaseKinds } from '@vigil/db/testing';
import type { Express } from 'express';
import request from 'supertest';
import { resultFor } from '../runner-api/test-helpers';
import { createControllerHarness, type ControllerHarness, type HarnessRunner } from '../testing';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (comments skipped, label values unescaped). */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const label of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[label[1]] = label[2].replace(/\\(.)/g, (_all, char: string) => (char === 'n' ? '\n' : char));
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

// PostgreSQL too: the catalogue is raw SQL over a partial index, read by several replicas.
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('per-check Prometheus metrics on %s', (kind) => {
  let harness: ControllerHarness;
  let siteId: string;
  let eu: HarnessRunner;
  let us: HarnessRunner;
  beforeAll(async () => {
    harness = await createControllerHarness(kind, { checkMetrics: { maxSeries: 1_000, cacheMs: 0 } });
    eu = await harness.addRunner('eu-1');
    us = await harness.addRunner('us-1');
    siteId = (await as('post', '/api/v1/sites', { name: 'Metered', slug: 'metered' }).expect(201)).body.id;
  });
  afterAll(() => harness.dispose());

  function as(method: 'post' | 'patch' | 'delete', path: string, body?: object) {
    return request(harness.app)[method](path).set('Authorization', harness.admin).send(body);
  }

  async function createCheck(body: object): Promise<string> {
    const response = await as('post', '/api/v1/checks', { site_id: siteId, type: 'http', target: 'https://metered.example.com/', locations: ['eu-1', 'us-1'], ...body });
    expect(response.status).toBe(201);
    return response.body.id;
  }

  async function scrape(app: Express = harness.app): Promise<Sample[]> {
    const response = await request(app).get('/metrics');
    expect(response.status).toBe(200);
    return parseExposition(response.text);
  }

  const ofCheck = (samples: Sample[], check: string) => samples.filter((sample) => sample.labels['check'] === check);
  const value = (samples: Sample[], name: string, labels: Record<string, string>) =>
    samples.find((sample) => sample.name === name && Object.entries(labels).every(([key, item]) => sample.labels[key] === item))?.value;

  /** Polls the runner's due runs and reports each as a success in `latencyMs`. */
  async function runAll(runner: HarnessRunner, latencyMs: number, app: Express = harness.app): Promise<RunSpec[]> {
    const runs: RunSpec[] = (await request(app).get('/api/runner/checks').query({ limit: 500 }).set('Authorization', runner.authorization())).body.runs;
    const results = runs.map((run) => resultFor(run, { latency_ms: latencyMs }));
    if (results.length > 0) await request(app).post('/api/runner/report').set('Authorization', runner.authorization()).send({ results }).expect(202);
    return runs;
  }

  it('exports up, unknown and a latency histogram for an opted-in check at each location, and nothing for the others', async () => {
    const opted = await createCheck({ name: 'Checkout "v2"', export_metrics: true });
    const quiet = await createCheck({ name: 'Quiet', target: 'https://quiet.example.com/' });
    expect((await runAll(eu, 180)).map((run) => run.check_id).sort()).toEqual([opted, quiet].sort());
    // The evaluator's view of the two locations: eu-1 fresh and passing, us-1 never reported.
    await harness.db.prisma.locationState.updateMany({ where: { check: { uuid: opted }, location: 'eu-1' }, data: { lastResultAt: new Date(), resolved: true } });

    const samples = await scrape();
    expect(ofCheck(samples, quiet)).toEqual([]);
    const labels = { check: opted, check_name: 'Checkout "v2"', site: 'metered', type: 'http' };
    expect(value(samples, 'vigil_check_up', { ...labels, location: 'eu-1' })).toBe(1);
    expect(value(samples, 'vigil_check_unknown', { ...labels, location: 'eu-1' })).toBe(0);
    expect(value(samples, 'vigil_check_up', { ...labels, location: 'us-1' })).toBe(0);
    expect(value(samples, 'vigil_check_unknown', { ...labels, location: 'us-1' })).toBe(1);
    expect(value(samples, 'vigil_check_latency_seconds_bucket', { ...labels, location: 'eu-1', le: '0.1' })).toBe(0);
    expect(value(samples, 'vigil_check_latency_seconds_bucket', { ...labels, location: 'eu-1', le: '0.25' })).toBe(1);
    expect(value(samples, 'vigil_check_latency_seconds_bucket', { ...labels, location: 'eu-1', le: '+Inf' })).toBe(1);
    expect(value(samples, 'vigil_check_latency_seconds_count', { ...labels, location: 'eu-1' })).toBe(1);
    expect(value(samples, 'vigil_check_latency_seconds_sum', { ...labels, location: 'eu-1' })).toBeCloseTo(0.18);
    // No result from us-1 yet: no histogram there.
    expect(value(samples, 'vigil_check_latency_seconds_count', { ...labels, location: 'us-1' })).toBeUndefined();
    expect(value(samples, 'vigil_check_metrics_dropped_checks', {})).toBe(0);
    expect(value(samples, 'vigil_check_metrics_series', {})).toBe(24);

    // Failing at us-1 (fresh, not resolved): down and known.
    await harness.db.prisma.locationState.updateMany({ where: { check: { uuid: opted }, location: 'us-1' }, data: { lastResultAt: new Date(), resolved: false } });
    const failing = await scrape();
    expect(value(failing, 'vigil_check_up', { check: opted, location: 'us-1' })).toBe(0);
    expect(value(failing, 'vigil_check_unknown', { check: opted, location: 'us-1' })).toBe(0);
    await as('delete', `/api/v1/checks/${quiet}`).expect(204);
  });

  it('observes a stored result once: its duplicates, in the same report or a later one, are not observed', async () => {
    const check = await createCheck({ export_metrics: true, locations: ['eu-1'], target: 'https://counted.example.com/' });
    const runs = (await request(harness.app).get('/api/runner/checks').query({ limit: 500 }).set('Authorization', eu.authorization())).body.runs as RunSpec[];
    const run = runs.find((item) => item.check_id === check);
    if (run === undefined) throw new Error('the check was not leased');
    const ok = resultFor(run, { latency_ms: 300 });
    await request(harness.app).post('/api/runner/report').set('Authorization', eu.authorization()).send({ results: [ok, ok] }).expect(202);
    await request(harness.app).post('/api/runner/report').set('Authorization', eu.authorization()).send({ results: [ok] }).expect(202);
    const samples = await scrape();
    expect(value(samples, 'vigil_check_latency_seconds_count', { check, location: 'eu-1' })).toBe(1);
    expect(value(samples, 'vigil_check_latency_seconds_sum', { check, location: 'eu-1' })).toBeCloseTo(0.3);
    await as('delete', `/api/v1/checks/${check}`).expect(204);
  });

  it('removes every series of a check that opts out, is disabled or is deleted', async () => {
    const [out, disabled, deleted] = [
      await createCheck({ export_metrics: true, target: 'https://out.example.com/' }),
      await createCheck({ export_metrics: true, target: 'https://disabled.example.com/' }),
      await createCheck({ export_metrics: true, target: 'https://deleted.example.com/' }),
    ];
    await runAll(eu, 50);
    await runAll(us, 60);
    const before = await scrape();
    for (const check of [out, disabled, deleted]) {
      expect(new Set(ofCheck(before, check).map((sample) => sample.name))).toEqual(
        new Set(['vigil_check_up', 'vigil_check_unknown', 'vigil_check_latency_seconds_bucket', 'vigil_check_latency_seconds_sum', 'vigil_check_latency_seconds_count']),
      );
    }
    await as('patch', `/api/v1/checks/${out}`, { export_metrics: false }).expect(200);
    await as('patch', `/api/v1/checks/${disabled}`, { enabled: false }).expect(200);
    await as('delete', `/api/v1/checks/${deleted}`).expect(204);
    const after = await scrape();
    for (const check of [out, disabled, deleted]) expect(ofCheck(after, check)).toEqual([]);
    // Opting in again starts afresh.
    await as('patch', `/api/v1/checks/${out}`, { export_metrics: true }).expect(200);
    const again = await scrape();
    expect(value(again, 'vigil_check_unknown', { check: out, location: 'eu-1' })).toBeDefined();
    expect(value(again, 'vigil_check_latency_seconds_count', { check: out, location: 'eu-1' })).toBeUndefined();
    await as('patch', `/api/v1/checks/${out}`, { export_metrics: false }).expect(200);
    await as('delete', `/api/v1/checks/${disabled}`).expect(204);
  });

  it('exports a heartbeat check\'s gauges at @heartbeat, without a histogram, and opts it out through its own PATCH', async () => {
    const created = await as('post', '/api/v1/checks', { site_id: siteId, type: 'heartbeat', target: 'nightly-backup', export_metrics: true }).expect(201);
    const check: string = created.body.id;
    const samples = ofCheck(await scrape(), check);
    expect(samples.map((sample) => [sample.name, sample.labels['location'], sample.labels['type'], sample.value]).sort()).toEqual([
      ['vigil_check_unknown', '@heartbeat', 'heartbeat', 1],
      ['vigil_check_up', '@heartbeat', 'heartbeat', 0],
    ]);
    expect((await as('patch', `/api/v1/checks/${check}`, { export_metrics: false }).expect(200)).body.export_metrics).toBe(false);
    expect(ofCheck(await scrape(), check)).toEqual([]);
    await as('delete', `/api/v1/checks/${check}`).expect(204);
  });

  it('sums latencies across replicas: each counts what it stored, both report the same gauges', async () => {
    const check = await createCheck({ export_metrics: true, locations: ['eu-1'], target: 'https://replicas.example.com/', interval_s: 10, timeout_ms: 1000 });
    const other = harness.anotherApp();
    await runAll(eu, 40, other);
    const [mine, theirs] = [await scrape(), await scrape(other)];
    expect(value(mine, 'vigil_check_latency_seconds_count', { check })).toBeUndefined();
    expect(value(theirs, 'vigil_check_latency_seconds_count', { check })).toBe(1);
    expect(value(mine, 'vigil_check_unknown', { check })).toBe(value(theirs, 'vigil_check_unknown', { check }));
    await as('delete', `/api/v1/checks/${check}`).expect(204);
  });
});

describe.each(testDatabaseKinds({ postgres: 'semantics' }))('the per-check metrics limit on %s', (kind) => {
  let harness: ControllerHarness;
  beforeAll(async () => {
    // 30 series: two checks at one location (12 each), not three.
    harness = await createControllerHarness(kind, { checkMetrics: { maxSeries: 30, cacheMs: 0 } });
    await harness.addRunner('eu-1');
  });
  afterAll(() => harness.dispose());

  it('exports the oldest checks that fit, reports how many it dropped, and warns once', async () => {
    const site = (await request(harness.app).post('/api/v1/sites').set('Authorization', harness.admin).send({ name: 'Limited' }).expect(201)).body.id;
    const ids: string[] = [];
    for (const name of ['first', 'second', 'third']) {
      const body = { site_id: site, type: 'http', target: `https://${name}.example.com/`, locations: ['eu-1'], export_metrics: true };
      ids.push((await request(harness.app).post('/api/v1/checks').set('Authorization', harness.admin).send(body).expect(201)).body.id);
    }
    const scrape = async () => parseExposition((await request(harness.app).get('/metrics').expect(200)).text);
    const warnings = () => harness.log.entries().filter((entry) => entry['level'] === 'warn' && String(entry['message']).includes('VIGIL_CHECK_METRICS_MAX_SERIES'));
    for (let i = 0; i < 3; i++) {
      const samples = await scrape();
      const exported = new Set(samples.filter((sample) => sample.name === 'vigil_check_up').map((sample) => sample.labels['check']));
      expect(exported).toEqual(new Set(ids.slice(0, 2)));
      expect(samples.find((sample) => sample.name === 'vigil_check_metrics_dropped_checks')?.value).toBe(1);
      expect(samples.find((sample) => sample.name === 'vigil_check_metrics_series')?.value).toBe(24);
    }
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatchObject({ maxSeries: 30, exportedChecks: 2, droppedChecks: 1 });

    // Deleting an exported check makes room for the next one.
    await request(harness.app).delete(`/api/v1/checks/${ids[0]}`).set('Authorization', harness.admin).expect(204);
    const samples = await scrape();
    expect(new Set(samples.filter((sample) => sample.name === 'vigil_check_up').map((sample) => sample.labels['check']))).toEqual(new Set(ids.slice(1)));
    expect(samples.find((sample) => sample.name === 'vigil_check_metrics_dropped_checks')?.value).toBe(0);
  });
});
