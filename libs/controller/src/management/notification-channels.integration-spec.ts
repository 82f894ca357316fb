import { createSiteWithCheck, testDatabaseKinds } from '@vigil/db/testing';
import { channelSealer } from '@vigil/secrets';
import request from 'supertest';
import { createControllerHarness, type ControllerHarness } from '../testing';

const SIGNING_SECRET = 'whsec-0123456789abcdef-SIGN';
const BEARER = 'Bearer tok-abcdefghijkl-WXYZ';
const SLACK_URL = 'https://hooks.slack.com/services/T000/B000/slackSECRET9';
const SMTP_PASSWORD = 'smtp-password-1234';
const ROUTING_KEY = 'R0UTINGKEY0123456789abcdefgh7890';
const SECRETS = [SIGNING_SECRET, BEARER, SLACK_URL, SMTP_PASSWORD, ROUTING_KEY];

describe.each(testDatabaseKinds())('the notification channels API on %s', (kind) => {
  let harness: ControllerHarness;
  let writer: string;
  let site: Awaited<ReturnType<typeof createSiteWithCheck>>;
  beforeAll(async () => {
    harness = await createControllerHarness(kind);
    writer = await harness.keyWith(['write']);
    site = await createSiteWithCheck(harness.db.prisma);
  });
  afterAll(() => harness.dispose());

  const create = (body: object, authorization = writer) =>
    request(harness.app).post('/api/v1/notification-channels').set('Authorization', authorization).send(body);
  const patch = (id: string, body: object) =>
    request(harness.app).patch(`/api/v1/notification-channels/${id}`).set('Authorization', writer).send(body);
  const get = (path: string) => request(harness.app).get(path).set('Authorization', writer);
  const raw = async (id: string) => harness.db.prisma.notificationChannel.findUniqueOrThrow({ where: { uuid: id } });
  /** The stored config, its secrets opened with the app's key. */
  const stored = async (id: string) => {
    const row = await raw(id);
    return channelSealer(harness.secretKeys, row.type).open(row.config);
  };
  const problemsOf = (response: request.Response) => response.body.error.details.problems as Array<{ field: string; message: string }>;
  const expectNoSecrets = (response: request.Response) => {
    for (const secret of SECRETS) expect(response.text).not.toContain(secret);
  };

  const webhook = {
    name: 'ops webhook',
    type: 'webhook',
    config: { url: 'https://ops.example/hooks/vigil', secret: SIGNING_SECRET, headers: { Authorization: BEARER, 'X-Team': 'ops' } },
  };

  it('creates a webhook channel with defaults, answering its secrets masked and storing them whole', async () => {
    const response = await create({ ...webhook, site_ids: [site.site.uuid] });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.any(String),
      name: 'ops webhook',
      type: 'webhook',
      config: { url: 'https://ops.example/hooks/vigil', secret: '••••SIGN', headers: { Authorization: '••••WXYZ', 'X-Team': 'ops' } },
      site_ids: [site.site.uuid],
      notify_on_seems_down: false,
      notify_on_degraded: true,
      reminder_minutes: null,
      enabled: true,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expectNoSecrets(response);
    expect(await stored(response.body.id)).toEqual(webhook.config);
  });

  it('stores a secret that only looks sealed like any other: the channel stays readable', async () => {
    const forged = `enc:v1:${harness.secretKeys.current.kid}:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
    const created = await create({ ...webhook, name: 'forged', config: { url: webhook.config.url, secret: forged } });
    expect(created.status).toBe(201);
    expect((await get(`/api/v1/notification-channels/${created.body.id}`)).status).toBe(200);
    expect((await get('/api/v1/notification-channels?limit=100')).status).toBe(200);
    expect(await stored(created.body.id)).toEqual({ url: webhook.config.url, secret: forged });
  });

  it('stores every secret sealed (AES-256-GCM), never in clear, and the rest of the config as is', async () => {
    const webhookRow = await raw((await create(webhook)).body.id);
    const email = await create({
      name: 'sealed email',
      type: 'email',
      config: { to: ['oncall@example.com'], smtp: { host: 'smtp.example.com', port: 465, secure: true, username: 'vigil', password: SMTP_PASSWORD } },
    });
    const slack = await create({ name: 'sealed slack', type: 'slack', config: { webhook_url: SLACK_URL } });
    const pagerduty = await create({ name: 'sealed pd', type: 'pagerduty', config: { routing_key: ROUTING_KEY } });
    const rows = [webhookRow, await raw(email.body.id), await raw(slack.body.id), await raw(pagerduty.body.id)];
    for (const row of rows) for (const secret of SECRETS) expect(JSON.stringify(row.config)).not.toContain(secret);
    const kid = harness.secretKeys.current.kid;
    expect(webhookRow.config).toEqual({
      url: webhook.config.url,
      secret: expect.stringMatching(new RegExp(`^enc:v1:${kid}:`)),
      headers: { Authorization: expect.stringMatching(/^enc:v1:/), 'X-Team': 'ops' },
    });
    // What the database holds on disk: the table's text, read back by SQL rather than through Prisma.
    const dumped = await harness.db.prisma.$queryRawUnsafe<Array<{ text: string }>>('SELECT config::text AS text FROM notification_channels');
    for (const secret of SECRETS) expect(dumped.map((row) => row.text).join('\n')).not.toContain(secret);
  });

  it('creates slack, email and pagerduty channels, each with its secrets masked', async () => {
    const slack = await create({ name: 'slack', type: 'slack', config: { webhook_url: SLACK_URL }, reminder_minutes: 30 });
    expect([slack.status, slack.body.config, slack.body.reminder_minutes]).toEqual([201, { webhook_url: '••••RET9' }, 30]);
    const email = await create({
      name: 'email',
      type: 'email',
      config: { to: ['oncall@example.com'], from: 'vigil@example.com', smtp: { host: 'smtp.example.com', port: 465, secure: true, username: 'vigil', password: SMTP_PASSWORD } },
      notify_on_seems_down: true,
    });
    expect(email.status).toBe(201);
    expect(email.body.config.smtp).toEqual({ host: 'smtp.example.com', port: 465, secure: true, username: 'vigil', password: '••••1234' });
    expect(email.body.notify_on_seems_down).toBe(true);
    const pagerduty = await create({ name: 'pd', type: 'pagerduty', config: { routing_key: ROUTING_KEY }, enabled: false });
    expect([pagerduty.status, pagerduty.body.config, pagerduty.body.enabled, pagerduty.body.site_ids]).toEqual([201, { routing_key: '••••7890' }, false, []]);
    for (const response of [slack, email, pagerduty]) expectNoSecrets(response);
  });

  it('masks secrets in every list and get', async () => {
    const created = await create({ ...webhook, name: 'listed' });
    const one = await get(`/api/v1/notification-channels/${created.body.id}`);
    expect([one.status, one.body]).toEqual([200, created.body]);
    expectNoSecrets(one);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await get(`/api/v1/notification-channels?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expectNoSecrets(page);
      seen.push(...page.body.data.map((channel: { id: string }) => channel.id));
      cursor = page.body.next_cursor;
    } while (cursor !== null);
    expect(seen[0]).toBe(created.body.id);
    expect(new Set(seen).size).toBe(await harness.db.prisma.notificationChannel.count());
  });

  it('keeps the stored secrets when a PATCH sends their masks back', async () => {
    const created = await create(webhook);
    const sentBack = { ...created.body.config, headers: { ...created.body.config.headers, 'X-Team': 'platform' } };
    const response = await patch(created.body.id, { name: 'renamed', config: sentBack });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ name: 'renamed', config: sentBack });
    expectNoSecrets(response);
    expect(await stored(created.body.id)).toEqual({ ...webhook.config, headers: { ...webhook.config.headers, 'X-Team': 'platform' } });
  });

  it('merges a PATCH into the config: fields not sent are kept, null removes one, a new secret replaces the old', async () => {
    const created = await create(webhook);
    const moved = await patch(created.body.id, { config: { url: 'https://ops.example/other', secret: SIGNING_SECRET, headers: { Authorization: BEARER } } });
    expect(moved.status).toBe(200);
    expect(await stored(created.body.id)).toEqual({ ...webhook.config, url: 'https://ops.example/other' });
    await patch(created.body.id, { config: { secret: null, headers: { 'X-Team': null } } });
    expect(await stored(created.body.id)).toEqual({ url: 'https://ops.example/other', headers: { Authorization: BEARER } });
    const replaced = await patch(created.body.id, { config: { secret: 'a-brand-new-secret-value' } });
    expect(replaced.body.config.secret).toBe('••••alue');
    expect(await stored(created.body.id)).toMatchObject({ secret: 'a-brand-new-secret-value' });
  });

  it('changes the other fields with PATCH and leaves the ones not sent', async () => {
    const created = await create({ ...webhook, site_ids: [site.site.uuid], reminder_minutes: 60 });
    const response = await patch(created.body.id, { enabled: false, notify_on_seems_down: true, notify_on_degraded: false, site_ids: [] });
    expect(response.body).toMatchObject({ enabled: false, notify_on_seems_down: true, notify_on_degraded: false, site_ids: [], reminder_minutes: 60, name: 'ops webhook' });
    const cleared = await patch(created.body.id, { reminder_minutes: null });
    expect(cleared.body.reminder_minutes).toBeNull();
    expect(new Date(cleared.body.updated_at).getTime()).toBeGreaterThanOrEqual(new Date(created.body.updated_at).getTime());
  });

  it('refuses a masked value that is not the stored secret’s mask, and a PATCH that breaks the config, naming the field', async () => {
    const created = await create(webhook);
    const wrongMask = await patch(created.body.id, { config: { secret: '••••NOPE' } });
    expect([wrongMask.status, problemsOf(wrongMask)[0].field]).toEqual([422, 'config.secret']);
    const badUrl = await patch(created.body.id, { config: { url: 'ftp://ops.example/' } });
    expect([badUrl.status, problemsOf(badUrl)[0].field]).toEqual([422, 'config.url']);
    const unknown = await patch(created.body.id, { config: { colour: 'red' } });
    expect([unknown.status, problemsOf(unknown)[0]]).toEqual([422, { field: 'config', message: 'has unknown field "colour"' }]);
    const type = await patch(created.body.id, { type: 'slack' });
    expect(type.status).toBe(422);
    expect(await stored(created.body.id)).toEqual(webhook.config);
  });

  it('refuses to send kept secrets to a new webhook url, naming each secret to resend', async () => {
    const created = await create(webhook);
    const elsewhere = 'https://attacker.example/collect';
    for (const config of [{ url: elsewhere }, { ...created.body.config, url: elsewhere }, { url: elsewhere, secret: SIGNING_SECRET }]) {
      const response = await patch(created.body.id, { config });
      expect(response.status).toBe(422);
      expect(problemsOf(response).map((problem) => problem.field)).toEqual(
        'secret' in config && config.secret === SIGNING_SECRET ? ['config.headers.Authorization'] : ['config.secret', 'config.headers.Authorization'],
      );
      expect(problemsOf(response)[0].message).toContain('config.url');
      expectNoSecrets(response);
    }
    expect(await stored(created.body.id)).toEqual(webhook.config);
    // Removing a secret is not keeping it: a url change that drops every secret needs nothing resent.
    const dropped = await patch(created.body.id, { config: { url: elsewhere, secret: null, headers: { Authorization: null } } });
    expect(dropped.status).toBe(200);
  });

  it('refuses to keep an SMTP password while the server, its port, TLS or the user changes', async () => {
    const smtp = { host: 'smtp.example.com', port: 587, secure: false, username: 'vigil', password: SMTP_PASSWORD };
    const created = await create({ name: 'mail', type: 'email', config: { to: ['oncall@example.com'], smtp } });
    for (const change of [{ host: 'mail.attacker.example' }, { port: 2525 }, { secure: true }, { username: 'other' }, { require_tls: false }]) {
      const response = await patch(created.body.id, { config: { smtp: change } });
      expect([response.status, problemsOf(response).map((problem) => problem.field)]).toEqual([422, ['config.smtp.password']]);
      expect(problemsOf(response)[0].message).toContain(`config.smtp.${Object.keys(change)[0]}`);
    }
    const masked = await patch(created.body.id, { config: { smtp: { ...created.body.config.smtp, host: 'mail.attacker.example' } } });
    expect(masked.status).toBe(422);
    expect(await stored(created.body.id)).toMatchObject({ smtp });
    const resent = await patch(created.body.id, { config: { smtp: { host: 'smtp2.example.com', password: SMTP_PASSWORD } } });
    expect([resent.status, resent.body.config.smtp]).toEqual([200, { ...smtp, host: 'smtp2.example.com', password: '••••1234' }]);
    const other = await patch(created.body.id, { config: { to: ['someone@example.com'] } });
    expect(other.status).toBe(200);
  });

  it('refuses a mask as a secret on creation: a copied channel would store the mask', async () => {
    const response = await create({ ...webhook, config: { ...webhook.config, secret: '••••SIGN' } });
    expect([response.status, problemsOf(response)[0].field]).toEqual([422, 'config.secret']);
  });

  it('validates each type’s config strictly, naming the field', async () => {
    const cases: Array<[object, string]> = [
      [{ name: 'w', type: 'webhook', config: { url: 'not a url' } }, 'config.url'],
      [{ name: 'w', type: 'webhook', config: { url: 'https://x.example', secret: 'short' } }, 'config.secret'],
      [{ name: 'w', type: 'webhook', config: { url: 'https://x.example', headers: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`X-H${i}`, 'v'])) } }, 'config.headers'],
      [{ name: 'w', type: 'webhook', config: { url: 'https://x.example', headers: { 'Bad Header': 'v' } } }, 'config.headers.Bad Header'],
      [{ name: 's', type: 'slack', config: { webhook_url: 'http://hooks.slack.com/x' } }, 'config.webhook_url'],
      [{ name: 'e', type: 'email', config: { to: [] } }, 'config.to'],
      [{ name: 'e', type: 'email', config: { to: ['not-an-address'] } }, 'config.to[0]'],
      [{ name: 'e', type: 'email', config: { to: ['a@example.com'], smtp: { host: 'smtp.example.com', port: 0, secure: false } } }, 'config.smtp.port'],
      [{ name: 'p', type: 'pagerduty', config: { routing_key: 'too-short' } }, 'config.routing_key'],
      [{ name: 'p', type: 'pagerduty', config: { routing_key: ROUTING_KEY, extra: 1 } }, 'config'],
      [{ name: 'x', type: 'carrier-pigeon', config: {} }, 'type'],
      [{ name: '', type: 'slack', config: { webhook_url: SLACK_URL } }, 'name'],
      [{ name: 'r', type: 'slack', config: { webhook_url: SLACK_URL }, reminder_minutes: 2 }, 'reminder_minutes'],
    ];
    for (const [body, field] of cases) {
      const response = await create(body);
      expect([response.status, problemsOf(response)[0].field]).toEqual([422, field]);
    }
  });

  it('refuses an unknown site, naming its place in site_ids', async () => {
    const response = await create({ ...webhook, site_ids: [site.site.uuid, '0b9f8a5e-0000-4000-8000-000000000000'] });
    expect([response.status, problemsOf(response)]).toEqual([422, [{ field: 'site_ids[1]', message: 'no site has this id' }]]);
  });

  it('deletes a channel (204) with its notifications, then answers 404 for it', async () => {
    const created = await create(webhook);
    const channel = await harness.db.prisma.notificationChannel.findUniqueOrThrow({ where: { uuid: created.body.id } });
    const event = await harness.db.prisma.siteEvent.create({
      data: { siteId: site.site.id, eventType: 'runner_offline', location: `r-${channel.id}`, severity: 'warning', startedAt: new Date() },
    });
    await harness.db.prisma.notification.create({
      data: { siteId: site.site.id, eventId: event.id, channelId: channel.id, kind: 'outage_confirmed', idempotencyKey: `${event.uuid}:outage_confirmed:${channel.id}` },
    });
    const deleted = await request(harness.app).delete(`/api/v1/notification-channels/${created.body.id}`).set('Authorization', writer);
    expect(deleted.status).toBe(204);
    expect(await harness.db.prisma.notification.count({ where: { channelId: channel.id } })).toBe(0);
    expect((await get(`/api/v1/notification-channels/${created.body.id}`)).status).toBe(404);
    expect((await patch(created.body.id, { name: 'ghost' })).status).toBe(404);
  });

  it('lets a read key list channels but not create one', async () => {
    const reader = await harness.keyWith(['read']);
    expect((await create(webhook, reader)).status).toBe(403);
    expect((await request(harness.app).get('/api/v1/notification-channels').set('Authorization', reader)).status).toBe(200);
    expect((await request(harness.app).get('/api/v1/notification-channels')).status).toBe(401);
  });
});
