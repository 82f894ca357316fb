import net, { type AddressInfo } from 'node:net';
import { createEgressGuard, DEFAULT_EGRESS_POLICY } from '@vigil/egress';
import { fakeResolver, loopbackEgress } from '@vigil/egress/testing';
import { MAX_RESPONSE_EXCERPT } from '../outcome';
import { type Receiver, sampleMessage, type SmtpReceiver, startReceiver, startSmtpReceiver } from '../testing';
import { emailSender } from './email-sender';
import { pagerDutySender } from './pagerduty-sender';
import { slackSender } from './slack-sender';
import { webhookSender } from './webhook-sender';

// Issue 12: a webhook channel aimed at an internal URL made the notifier a proxy and exposed the
// answer as response_excerpt. The "internal service" is a receiver on 127.0.0.1, denied by default.
const resolver = fakeResolver({ 'metadata.test': '169.254.169.254', 'hooks.internal.test': '127.0.0.1', 'smtp.internal.test': '127.0.0.1' });
const production = { timeoutMs: 2000, egress: createEgressGuard(DEFAULT_EGRESS_POLICY, { resolver }) };
const demo = { timeoutMs: 2000, egress: loopbackEgress({ resolver }) };

describe('the egress policy in the senders', () => {
  let receiver: Receiver;
  let smtp: SmtpReceiver;
  beforeAll(async () => {
    receiver = await startReceiver({ respond: () => ({ status: 200, body: JSON.stringify({ secret: 's'.repeat(400) }) }) });
    smtp = await startSmtpReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await smtp.close();
  });
  beforeEach(() => {
    receiver.requests.length = 0;
    smtp.mails.length = 0;
  });

  it('refuses a webhook to a denied literal, for good and without sending', async () => {
    const outcome = await webhookSender(sampleMessage(), { url: `${receiver.url}/internal` }, production);
    expect(outcome).toMatchObject({ ok: false, retryable: false });
    expect(outcome.error).toContain('default:loopback');
    expect(outcome.responseExcerpt).toBeUndefined();
    expect(receiver.requests).toHaveLength(0);
  });

  it('refuses a webhook to a name that resolves to a denied address', async () => {
    const port = new URL(receiver.url).port;
    const outcome = await webhookSender(sampleMessage(), { url: `http://hooks.internal.test:${port}/hook` }, production);
    expect(outcome).toMatchObject({ ok: false, retryable: false });
    expect(outcome.error).toContain('EGRESS_DENIED');
    expect(receiver.requests).toHaveLength(0);
    expect(await webhookSender(sampleMessage(), { url: 'http://metadata.test/latest/meta-data/' }, production)).toMatchObject({
      ok: false,
      retryable: false,
      error: expect.stringContaining('always:metadata'),
    });
  });

  it('refuses Slack and PagerDuty destinations that resolve to denied addresses', async () => {
    const slack = await slackSender(sampleMessage(), { webhook_url: 'https://metadata.test/services/x' }, production);
    expect(slack).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining('EGRESS_DENIED') });
    const pagerDuty = await pagerDutySender(sampleMessage(), { routing_key: 'k'.repeat(32) }, { ...production, pagerDutyEventsUrl: `${receiver.url}/v2/enqueue` });
    expect(pagerDuty).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining('EGRESS_DENIED') });
    expect(receiver.requests).toHaveLength(0);
  });

  it('refuses an SMTP server on a denied address, literal or resolved', async () => {
    for (const host of ['127.0.0.1', 'smtp.internal.test']) {
      const outcome = await emailSender(sampleMessage(), { to: ['a@example.com'], from: 'alerts@shop.example', smtp: { host, port: smtp.port, secure: false } }, production);
      expect(outcome).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining('default:loopback') });
    }
    expect(smtp.mails).toHaveLength(0);
  });

  it('sends through the checked address of an allowed name', async () => {
    const config = { to: ['a@example.com'], from: 'alerts@shop.example', smtp: { host: 'smtp.internal.test', port: smtp.port, secure: false } };
    expect(await emailSender(sampleMessage(), config, demo)).toMatchObject({ ok: true });
    expect(smtp.mails).toHaveLength(1);
  });

  it(`keeps at most ${MAX_RESPONSE_EXCERPT} characters of an allowed receiver's answer`, async () => {
    const port = new URL(receiver.url).port;
    const outcome = await webhookSender(sampleMessage(), { url: `http://hooks.internal.test:${port}/hook` }, demo);
    expect(outcome).toMatchObject({ ok: true, statusCode: 200 });
    expect(MAX_RESPONSE_EXCERPT).toBe(64);
    expect(outcome.responseExcerpt?.length).toBe(MAX_RESPONSE_EXCERPT);
    expect(receiver.requests).toHaveLength(1);
  });
});

describe('what a service that is not an SMTP server says', () => {
  it('is kept to an excerpt in the attempt error too', async () => {
    const secret = `-ERR ${'redis-data-'.repeat(40)}`;
    const server = net.createServer((socket) => socket.end(`${secret}\r\n`));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const config = { to: ['a@example.com'], from: 'alerts@shop.example', smtp: { host: '127.0.0.1', port, secure: false } };
      const outcome = await emailSender(sampleMessage(), config, { timeoutMs: 2000, egress: loopbackEgress() });
      expect(outcome.ok).toBe(false);
      expect(JSON.stringify(outcome)).not.toContain('redis-data-'.repeat(8));
      expect((outcome.responseExcerpt ?? '').length).toBeLessThanOrEqual(MAX_RESPONSE_EXCERPT);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
