import { testDatabaseKinds } from '@vigil/db/testing';
import request from 'supertest';
import { createControllerHarness, type ControllerHarness } from '../testing';

interface Entry {
  id: string;
  key_id: string | null;
  key_name: string | null;
  method: string;
  route: string;
  resource_type: string;
  resource_id: string | null;
  status: number;
  summary: { fields?: string[]; values?: Record<string, unknown>; query?: Record<string, unknown> };
}

// Issue 12: nothing recorded which key deleted a site. Every mutating management request is now in an append-only log.
describe.each(testDatabaseKinds())('the audit log on %s', (kind) => {
  let harness: ControllerHarness;
  let writer: string;
  let writerId: string;
  beforeAll(async () => {
    harness = await createControllerHarness(kind);
    writer = await harness.keyWith(['write'], 'audit writer');
    writerId = (await harness.db.prisma.apiKey.findFirstOrThrow({ where: { name: 'audit writer' } })).uuid;
  });
  afterAll(() => harness.dispose());

  const send = (method: 'post' | 'patch' | 'delete', path: string, body?: object, authorization = writer) => {
    const call = request(harness.app)[method](path).set('Authorization', authorization);
    return body === undefined ? call : call.send(body);
  };
  const get = (path: string, authorization = harness.admin) => request(harness.app).get(path).set('Authorization', authorization);
  const entriesFor = async (resourceId: string): Promise<Entry[]> => {
    const response = await get(`/api/v1/audit-log?resource_id=${resourceId}`);
    expect(response.status).toBe(200);
    return response.body.data;
  };

  it('records a create, a change and a delete with the key’s name and id, the route, the resource and the status', async () => {
    const site = (await send('post', '/api/v1/sites', { name: 'Audited', public_status_page: false })).body;
    await send('patch', `/api/v1/sites/${site.id}`, { name: 'Audited again' }).expect(200);
    await send('delete', `/api/v1/sites/${site.id}`).expect(204);

    const entries = await entriesFor(site.id);
    expect(entries).toHaveLength(3);
    // Newest first.
    expect(entries.map((entry) => [entry.method, entry.route, entry.status])).toEqual([
      ['DELETE', '/api/v1/sites/:id', 204],
      ['PATCH', '/api/v1/sites/:id', 200],
      ['POST', '/api/v1/sites', 201],
    ]);
    for (const entry of entries) {
      expect(entry).toMatchObject({ key_id: writerId, key_name: 'audit writer', resource_type: 'site', resource_id: site.id });
    }
    expect(entries[1].summary).toEqual({ fields: ['name'], values: { name: 'Audited again' } });
    expect(entries[2].summary.fields).toEqual(['name', 'public_status_page']);
  });

  it('records refused requests too: a write key’s purge (403), a conflict (409), a request without a key (401)', async () => {
    const site = (await send('post', '/api/v1/sites', { name: 'Refusals' })).body;
    await send('delete', `/api/v1/sites/${site.id}?purge=true`, undefined, harness.admin).expect(409);
    await send('delete', `/api/v1/sites/${site.id}`).expect(204);
    await send('delete', `/api/v1/sites/${site.id}?purge=true`).expect(403);
    await request(harness.app).delete(`/api/v1/sites/${site.id}`).expect(401);

    const entries = await entriesFor(site.id);
    expect(entries.map((entry) => [entry.key_name, entry.status])).toEqual([
      [null, 401],
      ['audit writer', 403],
      ['audit writer', 204],
      ['test admin', 409],
      ['audit writer', 201],
    ]);
    expect(entries[1].summary.query).toEqual({ purge: 'true' });
  });

  it('names the key a scope refusal refused', async () => {
    const reader = await harness.keyWith(['read'], 'nosy reader');
    const site = (await send('post', '/api/v1/sites', { name: 'Not yours' })).body;
    await send('delete', `/api/v1/sites/${site.id}`, undefined, reader).expect(403);
    const [refusal] = await entriesFor(site.id);
    expect(refusal).toMatchObject({ key_name: 'nosy reader', key_id: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 403, method: 'DELETE' });
  });

  it('keeps field names but never secret values', async () => {
    const secrets = {
      signing: 'whsec-0123456789abcdef-SIGNING',
      bearer: 'bearer-token-SECRET-4242',
      slack: 'https://hooks.slack.com/services/T00000000/B00000000/SLACKSECRETPART',
      routing: 'abcdefabcdefabcdefabcdefabcdef12',
    };
    const webhook = await send('post', '/api/v1/notification-channels', {
      name: 'hook',
      type: 'webhook',
      config: { url: 'https://hooks.example/in', secret: secrets.signing, headers: { Authorization: `Bearer ${secrets.bearer}` } },
    });
    expect(webhook.status).toBe(201);
    await send('patch', `/api/v1/notification-channels/${webhook.body.id}`, { config: { secret: `${secrets.signing}-2` } }).expect(200);
    const slack = await send('post', '/api/v1/notification-channels', { name: 'slack', type: 'slack', config: { webhook_url: secrets.slack } });
    expect(slack.status).toBe(201);
    const pager = await send('post', '/api/v1/notification-channels', { name: 'pager', type: 'pagerduty', config: { routing_key: secrets.routing } });
    expect(pager.status).toBe(201);

    const log = await get('/api/v1/audit-log?limit=500');
    const text = JSON.stringify(log.body);
    for (const secret of Object.values(secrets)) expect(text).not.toContain(secret);
    expect(text).not.toContain('SLACKSECRETPART');
    const [patched] = await entriesFor(webhook.body.id);
    expect(patched.summary).toEqual({ fields: ['config.secret'], values: { 'config.secret': '[secret]' } });
    const created = (await entriesFor(webhook.body.id))[1];
    expect(created.summary.fields).toEqual(expect.arrayContaining(['name', 'type', 'config.url', 'config.secret', 'config.headers.Authorization']));
    // Nor is the new key an admin creates kept anywhere in the log.
    const key = await send('post', '/api/v1/api-keys', { name: 'made by admin', scopes: ['read'] }, harness.admin);
    expect(key.status).toBe(201);
    const [keyEntry] = await entriesFor(key.body.id);
    expect(keyEntry).toMatchObject({ resource_type: 'api-key', status: 201 });
    expect(JSON.stringify((await get('/api/v1/audit-log?limit=500')).body)).not.toContain(key.body.key);
  });

  it('is readable by admin keys only, page after page, and filtered by key', async () => {
    for (const scopes of [['read'], ['write']] as const) {
      const response = await get('/api/v1/audit-log', await harness.keyWith([...scopes]));
      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe('forbidden');
    }
    const pager = await harness.keyWith(['write'], 'pager key');
    const pagerId = (await harness.db.prisma.apiKey.findFirstOrThrow({ where: { name: 'pager key' } })).uuid;
    for (const name of ['p1', 'p2', 'p3']) await send('post', '/api/v1/sites', { name: `Paged ${name}` }, pager).expect(201);

    const first = await get(`/api/v1/audit-log?key_id=${pagerId}&limit=2`);
    expect(first.body.data.map((entry: Entry) => entry.summary.values?.['name'])).toEqual(['Paged p3', 'Paged p2']);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await get(`/api/v1/audit-log?key_id=${pagerId}&limit=2&cursor=${first.body.next_cursor}`);
    expect(second.body.data.map((entry: Entry) => entry.summary.values?.['name'])).toEqual(['Paged p1']);
    expect(second.body.next_cursor).toBeNull();
    expect((await get('/api/v1/audit-log?cursor=bogus')).status).toBe(400);
  });

  it('marks an Idempotency-Key replay, which changed nothing', async () => {
    const first = await send('post', '/api/v1/sites', { name: 'Once only' }).set('Idempotency-Key', 'audit-replay-1');
    expect(first.status).toBe(201);
    const again = await send('post', '/api/v1/sites', { name: 'Once only' }).set('Idempotency-Key', 'audit-replay-1');
    expect([again.status, again.body.id]).toEqual([201, first.body.id]);
    const entries: Entry[] = (await get('/api/v1/audit-log?limit=2')).body.data;
    expect(entries.map((entry) => [entry.status, entry.resource_id, entry.summary])).toEqual([
      [201, null, { fields: ['name'], values: { name: 'Once only' }, idempotency_key: 'audit-replay-1', replayed: true }],
      [201, first.body.id, { fields: ['name'], values: { name: 'Once only' }, idempotency_key: 'audit-replay-1' }],
    ]);
  });

  it('records no reads and no runner API calls', async () => {
    const before = await harness.db.prisma.auditLog.count();
    await get('/api/v1/sites').expect(200);
    const runner = await harness.addRunner('audit-runner');
    await request(harness.app).get('/api/runner/checks').set('Authorization', runner.authorization()).expect(200);
    expect(await harness.db.prisma.auditLog.count()).toBe(before);
  });
});
