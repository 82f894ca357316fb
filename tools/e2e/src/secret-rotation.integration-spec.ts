// Secrets at rest end to end: stored sealed through the management API, resealed under a new
// data key (a rotation), then read, masked, and delivered by an app and a notifier that hold
// only the new key; the old key alone opens nothing any more.
import { mountController, resealStoredSecrets } from '@vigil/controller';
import { type ControllerHarness, createControllerHarness } from '@vigil/controller/testing';
import { testDatabaseKinds } from '@vigil/db/testing';
import { deliverDue, verifyWebhookSignature } from '@vigil/delivery';
import { type Receiver, seedNotification, seedOutage, startReceiver } from '@vigil/delivery/testing';
import { alwaysReady, createMetricsRegistry, createServiceApp } from '@vigil/http';
import { createCapturedLogger } from '@vigil/logger/testing';
import { channelSealer, generateSecretKey, SecretKeyError, SecretKeyring } from '@vigil/secrets';
import request from 'supertest';

const SIGNING_SECRET = 'whsec-rotation-0123456789-SIGN';
const BEARER = 'Bearer rotation-token-abcdef-WXYZ';
const API_KEY = 'check-api-key-0123456789-KEY9';

describe.each(testDatabaseKinds())('secret rotation end to end on %s', (kind) => {
  const oldKey = generateSecretKey();
  let harness: ControllerHarness;
  let receiver: Receiver;
  beforeAll(async () => {
    harness = await createControllerHarness(kind, { secretKeys: SecretKeyring.fromText(oldKey) });
    receiver = await startReceiver({ respond: () => ({ status: 200, body: 'ok' }) });
  });
  afterAll(async () => {
    await receiver?.close();
    await harness?.dispose();
  });

  const appWith = (secretKeys: SecretKeyring) => {
    const deps = {
      db: harness.db,
      logger: createCapturedLogger({ level: 'warn' }).logger,
      metrics: createMetricsRegistry({ service: 'controller-api', defaultMetrics: false }),
      ready: alwaysReady,
      secretKeys,
    };
    return createServiceApp(deps, { mount: (app) => mountController(app, deps) });
  };
  const stored = async () => {
    const channels = await harness.db.prisma.$queryRawUnsafe<Array<{ text: string }>>('SELECT config::text AS text FROM notification_channels');
    const checks = await harness.db.prisma.$queryRawUnsafe<Array<{ text: string }>>('SELECT spec::text AS text FROM checks');
    return [...channels, ...checks].map((row) => row.text).join('\n');
  };

  it('stores secrets sealed, reseals them under a new key, and the new key alone reads and delivers them', async () => {
    const channel = await request(harness.app)
      .post('/api/v1/notification-channels')
      .set('Authorization', harness.admin)
      .send({ name: 'hook', type: 'webhook', config: { url: `${receiver.url}/hook`, secret: SIGNING_SECRET, headers: { Authorization: BEARER } } });
    expect(channel.status).toBe(201);
    const site = await request(harness.app).post('/api/v1/sites').set('Authorization', harness.admin).send({ name: 'Rotated' });
    const check = await request(harness.app)
      .post('/api/v1/checks')
      .set('Authorization', harness.admin)
      .send({ site_id: site.body.id, type: 'http', target: 'http://127.0.0.1:9/health', spec: { headers: { 'X-Api-Key': API_KEY } } });
    expect(check.status).toBe(201);
    const before = await stored();
    for (const secret of [SIGNING_SECRET, BEARER, API_KEY]) expect(before).not.toContain(secret);
    const oldKid = SecretKeyring.fromText(oldKey).current.kid;
    expect(before).toContain(`enc:v1:${oldKid}:`);

    // The rotation: the new key current, the old one previous, everything resealed in one go.
    const rotating = SecretKeyring.fromText(generateSecretKey(), [oldKey]);
    expect(await resealStoredSecrets(harness.db, rotating)).toEqual({ channels: 1, checks: 1 });
    const after = await stored();
    expect(after).not.toContain(`enc:v1:${oldKid}:`);
    expect(after).toContain(`enc:v1:${rotating.current.kid}:`);
    expect(await resealStoredSecrets(harness.db, rotating)).toEqual({ channels: 0, checks: 0 });

    const newOnly = new SecretKeyring(rotating.current);
    const app = appWith(newOnly);
    const read = await request(app).get(`/api/v1/notification-channels/${channel.body.id}`).set('Authorization', harness.admin);
    expect([read.status, read.body.config]).toEqual([200, { url: `${receiver.url}/hook`, secret: '••••SIGN', headers: { Authorization: '••••WXYZ' } }]);
    const checkRead = await request(app).get(`/api/v1/checks/${check.body.id}`).set('Authorization', harness.admin);
    expect(checkRead.body.spec.headers).toEqual({ 'X-Api-Key': '••••KEY9' });

    const row = await harness.db.prisma.notificationChannel.findUniqueOrThrow({ where: { uuid: channel.body.id } });
    expect(() => channelSealer(SecretKeyring.fromText(oldKey), 'webhook').open(row.config)).toThrow(SecretKeyError);
    const outage = await seedOutage(harness.db.prisma);
    await seedNotification(harness.db.prisma, outage, row.id);
    const { logger } = createCapturedLogger({ level: 'warn' });
    expect(await deliverDue(harness.db, { logger, context: { timeoutMs: 3000 }, secretKeys: newOnly })).toMatchObject({ delivered: 1 });
    const [sent] = receiver.requests;
    expect(sent.headers['authorization']).toBe(BEARER);
    const timestamp = sent.headers['x-vigil-timestamp'] as string;
    const signature = sent.headers['x-vigil-signature'] as string;
    expect(verifyWebhookSignature(SIGNING_SECRET, timestamp, sent.body, signature, { now: new Date(Number(timestamp) * 1000) })).toEqual({ valid: true });
  });
});
