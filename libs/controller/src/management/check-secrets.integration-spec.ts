import { testDatabaseKinds } from '@vigil/db/testing';
import { checkSealer } from '@vigil/secrets';
import request from 'supertest';
import { createControllerHarness, type ControllerHarness } from '../testing';

const BEARER = 'Bearer chk-abcdefghijkl-WXYZ';
const API_KEY = 'api-key-0123456789-KEY9';
const URL_PASSWORD = 'url-pass-word-PW42';
const SECRETS = [BEARER, API_KEY, URL_PASSWORD];

describe.each(testDatabaseKinds())('check secrets on %s', (kind) => {
  let harness: ControllerHarness;
  let siteId: string;
  let reader: string;
  beforeAll(async () => {
    harness = await createControllerHarness(kind);
    reader = await harness.keyWith(['read']);
    siteId = (await post('/api/v1/sites', { name: 'Secretive' })).body.id;
  });
  afterAll(() => harness.dispose());

  const post = (path: string, body: object) => request(harness.app).post(path).set('Authorization', harness.admin).send(body);
  const patch = (id: string, body: object) => request(harness.app).patch(`/api/v1/checks/${id}`).set('Authorization', harness.admin).send(body);
  const get = (path: string, authorization = reader) => request(harness.app).get(path).set('Authorization', authorization);
  const fields = (response: request.Response): string[] => response.body.error.details.problems.map((p: { field: string }) => p.field);
  const expectNoSecrets = (response: request.Response) => {
    for (const secret of SECRETS) expect(response.text).not.toContain(secret);
  };
  const spec = { method: 'GET', headers: { Authorization: BEARER, 'X-Api-Key': API_KEY, 'X-From': 'vigil' } };
  const stored = async (id: string) => {
    const check = await harness.db.prisma.check.findUniqueOrThrow({ where: { uuid: id }, include: { endpoint: true } });
    return { target: check.endpoint.target, spec: checkSealer(harness.secretKeys, 'http').open(check.spec) as { headers: Record<string, string> } };
  };
  const create = async () => {
    const response = await post('/api/v1/checks', { site_id: siteId, type: 'http', target: `http://bot:${URL_PASSWORD}@127.0.0.1:8080/health`, spec });
    expect(response.status).toBe(201);
    return response;
  };

  it('answers secret headers and a URL password masked, in a check, a list and its site', async () => {
    const created = await create();
    expectNoSecrets(created);
    expect(created.body.target).toBe('http://bot:••••PW42@127.0.0.1:8080/health');
    expect(created.body.spec.headers).toEqual({ Authorization: '••••WXYZ', 'X-Api-Key': '••••KEY9', 'X-From': 'vigil' });
    for (const path of [`/api/v1/checks/${created.body.id}`, '/api/v1/checks?limit=100', `/api/v1/sites/${siteId}`]) {
      const response = await get(path);
      expect(response.status).toBe(200);
      expectNoSecrets(response);
    }
    expect((await get(`/api/v1/checks/${created.body.id}`)).body.spec.headers.Authorization).toBe('••••WXYZ');
  });

  it('stores secret headers sealed, and gives them to the runner that leases the check in clear', async () => {
    const runner = await harness.addRunner('sealed-1');
    const created = await post('/api/v1/checks', { site_id: siteId, type: 'http', target: 'http://127.0.0.1:8080/leased', spec, locations: [runner.slug] });
    expect(created.status).toBe(201);
    const row = await harness.db.prisma.check.findUniqueOrThrow({ where: { uuid: created.body.id } });
    expect(row.spec).toMatchObject({ headers: { Authorization: expect.stringMatching(/^enc:v1:/), 'X-Api-Key': expect.stringMatching(/^enc:v1:/), 'X-From': 'vigil' } });
    const dumped = await harness.db.prisma.$queryRawUnsafe<Array<{ text: string }>>('SELECT spec::text AS text FROM checks');
    expect(dumped.map((r) => r.text).join('\n')).not.toContain(BEARER);
    expect(dumped.map((r) => r.text).join('\n')).not.toContain(API_KEY);
    const poll = await request(harness.app).get('/api/runner/checks').set('Authorization', runner.authorization());
    expect(poll.status).toBe(200);
    const run = poll.body.runs.find((r: { check_id: string }) => r.check_id === created.body.id);
    expect(run.spec.headers).toEqual(spec.headers);
  });

  it('refuses masks as secrets on creation: a copied check would store the masks', async () => {
    const created = await create();
    const copy = await post('/api/v1/checks', { site_id: siteId, type: 'http', target: created.body.target, spec: created.body.spec });
    expect([copy.status, fields(copy).sort()]).toEqual([422, ['spec.headers.Authorization', 'spec.headers.X-Api-Key', 'target']]);
  });

  it('keeps the stored secrets when a check read is sent back with its masks', async () => {
    const created = await create();
    const sentBack = await patch(created.body.id, { target: created.body.target, spec: { ...created.body.spec, method: 'HEAD' }, interval_s: 120 });
    expect(sentBack.status).toBe(200);
    expectNoSecrets(sentBack);
    expect(await stored(created.body.id)).toMatchObject({ target: `http://bot:${URL_PASSWORD}@127.0.0.1:8080/health`, spec: { method: 'HEAD', headers: spec.headers } });
    const wrong = await patch(created.body.id, { spec: { ...spec, headers: { ...spec.headers, Authorization: '••••NOPE' } } });
    expect([wrong.status, fields(wrong)]).toEqual([422, ['spec.headers.Authorization']]);
    const maskedElsewhere = await patch(created.body.id, { target: 'http://bot:••••PW42@127.0.0.2:8080/health' });
    expect([maskedElsewhere.status, fields(maskedElsewhere)]).toContainEqual(['target']);
  });

  it('refuses to move the target while secret headers are kept, and accepts it with them resent', async () => {
    const created = await create();
    const elsewhere = 'http://127.0.0.2:9090/collect';
    const omitted = await patch(created.body.id, { target: elsewhere });
    expect([omitted.status, fields(omitted).sort()]).toEqual([422, ['spec.headers.Authorization', 'spec.headers.X-Api-Key']]);
    expect(omitted.body.error.details.problems[0].message).toContain('target');
    const masked = await patch(created.body.id, { target: elsewhere, spec: { ...created.body.spec, headers: { ...created.body.spec.headers, 'X-Api-Key': API_KEY } } });
    expect([masked.status, fields(masked)]).toEqual([422, ['spec.headers.Authorization']]);
    expectNoSecrets(masked);
    expect((await stored(created.body.id)).target).toBe(`http://bot:${URL_PASSWORD}@127.0.0.1:8080/health`);
    const newPassword = await patch(created.body.id, { target: 'http://bot:another-pass-1234@127.0.0.1:8080/health' });
    expect(newPassword.status).toBe(200);
    const resent = await patch(created.body.id, { target: elsewhere, spec });
    expect(resent.status).toBe(200);
    expect(await stored(created.body.id)).toMatchObject({ target: elsewhere, spec: { headers: spec.headers } });
    const dropped = await patch(created.body.id, { target: 'http://127.0.0.3:9090/', spec: { method: 'GET', headers: { 'X-From': 'vigil' } } });
    expect(dropped.status).toBe(200);
  });
});
