import { createSelfSignedCertificate, type Receiver, sampleMessage, startReceiver } from '../testing';
import { slackSender } from './slack-sender';

describe('slackSender', () => {
  const certificate = createSelfSignedCertificate();
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver({ tls: certificate });
  });
  afterAll(() => receiver.close());
  beforeEach(() => {
    receiver.requests.length = 0;
  });

  it('posts a readable message (text and blocks) to the https webhook URL', async () => {
    const message = sampleMessage();
    const outcome = await slackSender(message, { webhook_url: `${receiver.url}/services/T0/B0/x` }, { ca: certificate.cert, timeoutMs: 2000 });
    expect(outcome).toMatchObject({ ok: true, statusCode: 200, responseExcerpt: 'ok' });
    const [request] = receiver.requests;
    expect(request.path).toBe('/services/T0/B0/x');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['idempotency-key']).toBe(message.idempotencyKey);
    const body = JSON.parse(request.body);
    expect(body.text).toBe(':red_circle: DOWN: Shop (https://shop.example/)');
    expect(body.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'DOWN: Shop (https://shop.example/)', emoji: true } });
    expect(body.blocks[1].type).toBe('section');
    expect(body.blocks[1].text.type).toBe('mrkdwn');
    expect(body.blocks[1].text.text).toContain('Failing from: eu-1, us-1');
    expect(body.blocks).toHaveLength(2);
  });

  it('marks a recovery green and escapes what Slack would read as markup', async () => {
    const message = { ...sampleMessage('outage_recovered'), title: 'Recovered: <A&B>', text: 'Recovered: <A&B>\nsee <here>' };
    await slackSender(message, { webhook_url: receiver.url }, { ca: certificate.cert });
    const body = JSON.parse(receiver.requests[0].body);
    expect(body.text).toBe(':large_green_circle: Recovered: &lt;A&amp;B&gt;');
    expect(body.blocks[1].text.text).toBe('see &lt;here&gt;');
  });

  it('marks a degraded spell orange and its end green, saying where it is slow', async () => {
    await slackSender(sampleMessage('degraded_opened'), { webhook_url: receiver.url }, { ca: certificate.cert });
    await slackSender(sampleMessage('degraded_recovered'), { webhook_url: receiver.url }, { ca: certificate.cert });
    const [opened, restored] = receiver.requests.map((request) => JSON.parse(request.body));
    expect(opened.text).toBe(':large_orange_circle: Degraded: Shop (https://shop.example/)');
    expect(opened.blocks[1].text.text).toContain('Slow from: eu-1, us-1\nSlow: latency 1234 ms over 800 ms');
    expect(restored.text).toBe(':large_green_circle: Performance restored: Shop (https://shop.example/)');
  });

  it('does not trust a certificate no authority vouches for', async () => {
    const outcome = await slackSender(sampleMessage(), { webhook_url: receiver.url }, { timeoutMs: 2000 });
    expect(outcome).toMatchObject({ ok: false, retryable: true });
    expect(receiver.requests).toHaveLength(0);
  });

  it('refuses a plain-http webhook URL, as the contract does', async () => {
    const outcome = await slackSender(sampleMessage(), { webhook_url: 'http://127.0.0.1:9/x' }, {});
    expect(outcome).toMatchObject({ ok: false, retryable: false });
  });
});
