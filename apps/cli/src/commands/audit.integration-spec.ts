import { createControllerHarness, type ControllerHarness } from '@vigil/controller/testing';
import { testDatabaseKinds } from '@vigil/db/testing';
import request from 'supertest';
import { bareKey, cliWith, listen, type Listening, type RunCli } from '../test-helpers';

function cells(stdout: string): string[][] {
  return stdout
    .trimEnd()
    .split('\n')
    .map((line) => line.split(/ {2,}/));
}

describe.each(testDatabaseKinds())('vigil audit list on %s', (kind) => {
  let harness: ControllerHarness;
  let server: Listening;
  let vigil: RunCli;
  let writer: string;
  let siteId: string;
  const secret = 'whsec-audit-cli-0123456789';

  beforeAll(async () => {
    harness = await createControllerHarness(kind);
    server = await listen(harness.app);
    vigil = cliWith({ VIGIL_URL: server.url, VIGIL_API_KEY: bareKey(harness.admin) });
    writer = await harness.keyWith(['write'], 'cli writer');
    const as = (method: 'post' | 'patch' | 'delete', path: string, body?: object) => {
      const call = request(harness.app)[method](path).set('Authorization', writer);
      return body === undefined ? call : call.send(body);
    };
    siteId = (await as('post', '/api/v1/sites', { name: 'Cli shop' }).expect(201)).body.id;
    await as('patch', `/api/v1/sites/${siteId}`, { public_status_page: true }).expect(200);
    await as('post', '/api/v1/notification-channels', { name: 'hook', type: 'webhook', config: { url: 'https://hooks.example/in', secret } }).expect(201);
    await as('delete', `/api/v1/sites/${siteId}`).expect(204);
  });
  afterAll(async () => {
    await server.close();
    await harness.dispose();
  });

  it('lists entries newest first as a table, with the key name, route, resource, status and fields', async () => {
    const { code, stdout, stderr } = await vigil(['audit', 'list']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const rows = cells(stdout);
    expect(rows[0]).toEqual(['AT', 'KEY', 'METHOD', 'ROUTE', 'RESOURCE', 'STATUS', 'FIELDS']);
    expect(rows.slice(1).map((row) => row.slice(1))).toEqual([
      ['cli writer', 'DELETE', '/api/v1/sites/:id', siteId, '204', '-'],
      ['cli writer', 'POST', '/api/v1/notification-channels', expect.stringMatching(/^[0-9a-f-]{36}$/), '201', 'name,type,config.url,config.secret'],
      ['cli writer', 'PATCH', '/api/v1/sites/:id', siteId, '200', 'public_status_page'],
      ['cli writer', 'POST', '/api/v1/sites', siteId, '201', 'name'],
    ]);
    expect(rows[1][0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(stdout).not.toContain(secret);
  });

  it('filters by resource, stops at --limit and prints JSON with --json', async () => {
    const { code, stdout } = await vigil(['audit', 'list', '--resource', siteId, '--limit', '2', '--json']);
    expect(code).toBe(0);
    const entries = JSON.parse(stdout) as Array<{ method: string; resource_id: string }>;
    expect(entries.map((entry) => [entry.method, entry.resource_id])).toEqual([
      ['DELETE', siteId],
      ['PATCH', siteId],
    ]);
  });

  it('fails with the API’s 403 for a key that is not admin, and exits 2 for a bad flag', async () => {
    const asWriter = cliWith({ VIGIL_URL: server.url, VIGIL_API_KEY: bareKey(writer) });
    const refused = await asWriter(['audit', 'list']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/admin/);
    for (const argv of [['audit', 'list', '--limit', '0'], ['audit', 'list', '--key', 'nope']]) {
      const { code, stderr } = await vigil(argv);
      expect(code).toBe(2);
      expect(stderr).toMatch(/^vigil: .+\n\nUsage: vigil audit list \[flags\]\n/);
    }
  });
});
