import { VIGIL_VERSION } from '@vigil/contracts';
import { MAX_RESPONSE_EXCERPT } from '../outcome';
import { type Receiver, SAMPLE_EVENT_UUID, sampleMessage, startReceiver } from '../testing';
import type { Answer } from '../testing';
import { webhookSender } from './webhook-sender';
import { verifyWebhookSignature } from './webhook-signature';

const secret = 'whsec-0123456789abcdef';
const sentAt = new Date('2026-11-23T10:02:00.000Z');
const context = { now: () => sentAt, timeoutMs: 2000 };

describe('webhookSender', () => {
  let receiver: Receiver;
  let answer: Answer;
  beforeAll(async () => {
    receiver = await startReceiver({ respond: () => answer });
  });
  afterAll(() => receiver.close());
  beforeEach(() => {
    receiver.requests.length = 0;
    answer = { status: 200, body: '{"received":true}' };
  });

  it('POSTs the event, check, site and locations as signed JSON with the idempotency key', async () => {
    const message = sampleMessage();
    const outcome = await webhookSender(message, { url: `${receiver.url}/hooks/vigil?x=1`, secret, headers: { 'X-Team': 'ops' } }, context);

    expect(outcome).toMatchObject({ ok: true, statusCode: 200, responseExcerpt: '{"received":true}', retryable: false });
    expect(outcome.durationMs).toBeGreaterThanOrEqual(0);
    const [request] = receiver.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/hooks/vigil?x=1' });
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': `Vigil/${VIGIL_VERSION}`,
      'idempotency-key': message.idempotencyKey,
      'x-vigil-timestamp': String(sentAt.getTime() / 1000),
      'x-team': 'ops',
    });
    const check = verifyWebhookSignature(secret, request.headers['x-vigil-timestamp'] as string, request.body, request.headers['x-vigil-signature'] as string, { now: sentAt });
    expect(check).toEqual({ valid: true });
    expect(JSON.parse(request.body)).toEqual({
      idempotency_key: message.idempotencyKey,
      kind: 'outage_confirmed',
      title: 'DOWN: Shop (https://shop.example/)',
      event: {
        id: '1234',
        uuid: SAMPLE_EVENT_UUID,
        type: 'down',
        severity: 'high',
        started_at: '2026-11-23T10:00:00.000Z',
        ended_at: null,
        resolution_reason: null,
        metadata: { location: 'eu-1', status_code: 503, error_code: 'ASSERTION_FAILED', error: 'expected 200', failing_locations: ['eu-1', 'us-1'] },
      },
      check: { uuid: '7c9e6679-7425-40de-944b-e07fc1f90ae7', name: 'Home page', type: 'http', target: 'https://shop.example/' },
      site: { uuid: '16fd2706-8baf-433b-82eb-8c7fada847da', name: 'Shop' },
      locations: { failing: ['eu-1', 'us-1'], reporting: 'us-1' },
      links: [],
      sent_at: '2026-11-23T10:02:00.000Z',
    });
  });

  it('POSTs a degraded spell with its kind, event type and rules', async () => {
    await webhookSender(sampleMessage('degraded_opened'), { url: receiver.url }, context);
    expect(JSON.parse(receiver.requests[0].body)).toMatchObject({
      kind: 'degraded_opened',
      title: 'Degraded: Shop (https://shop.example/)',
      event: { type: 'degraded', metadata: { degraded: [{ rule: 'latency', limit_ms: 800, latency_ms: 1234 }] } },
      locations: { failing: ['eu-1', 'us-1'] },
    });
  });

  it('sends no signature headers without a secret, and lets no channel header pass for its own', async () => {
    const outcome = await webhookSender(
      sampleMessage(),
      { url: receiver.url, headers: { 'x-vigil-signature': 'sha256=forged', 'Idempotency-Key': 'forged', 'User-Agent': 'evil' } },
      context,
    );
    expect(outcome.ok).toBe(true);
    const { headers } = receiver.requests[0];
    expect(headers['x-vigil-signature']).toBeUndefined();
    expect(headers['x-vigil-timestamp']).toBeUndefined();
    expect(headers['idempotency-key']).toBe(sampleMessage().idempotencyKey);
    expect(headers['user-agent']).toBe(`Vigil/${VIGIL_VERSION}`);
  });

  it.each([500, 503, 429, 408])('reports %i as a retryable failure with the answer excerpt', async (status) => {
    answer = { status, body: 'try later' };
    const outcome = await webhookSender(sampleMessage(), { url: receiver.url }, context);
    expect(outcome).toMatchObject({ ok: false, statusCode: status, responseExcerpt: 'try later', retryable: true });
    expect(outcome.error).toContain(String(status));
  });

  it.each([400, 401, 404, 410, 302])('reports %i as a final failure', async (status) => {
    answer = { status, body: 'no such hook' };
    const outcome = await webhookSender(sampleMessage(), { url: receiver.url }, context);
    expect(outcome).toMatchObject({ ok: false, statusCode: status, responseExcerpt: 'no such hook', retryable: false });
  });

  it(`keeps at most ${MAX_RESPONSE_EXCERPT} characters of a long answer`, async () => {
    answer = { status: 500, body: 'x'.repeat(100_000) };
    const outcome = await webhookSender(sampleMessage(), { url: receiver.url }, context);
    expect(outcome.responseExcerpt).toBe('x'.repeat(MAX_RESPONSE_EXCERPT));
  });

  it('gives up on a receiver slower than the timeout, as a retryable failure', async () => {
    answer = { status: 200, delayMs: 2000 };
    const outcome = await webhookSender(sampleMessage(), { url: receiver.url }, { ...context, timeoutMs: 200 });
    expect(outcome).toMatchObject({ ok: false, retryable: true });
    expect(outcome.durationMs).toBeLessThan(1500);
  });

  it('reports a refused connection as retryable', async () => {
    const closed = await startReceiver();
    await closed.close();
    const outcome = await webhookSender(sampleMessage(), { url: closed.url }, context);
    expect(outcome).toMatchObject({ ok: false, retryable: true });
    expect(outcome.error).toContain('ECONNREFUSED');
  });

  it('refuses a config the contract does not allow, without sending', async () => {
    const outcome = await webhookSender(sampleMessage(), { url: 'ftp://example.com/' }, context);
    expect(outcome).toMatchObject({ ok: false, retryable: false });
    expect(outcome.error).toContain('Invalid webhook channel config');
    expect(receiver.requests).toHaveLength(0);
  });
});
