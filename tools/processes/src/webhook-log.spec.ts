import { startWebhookLog, type WebhookLog } from './webhook-log';

describe('the webhook log', () => {
  let log: WebhookLog;
  beforeAll(async () => {
    log = await startWebhookLog();
  });
  afterAll(() => log?.close());

  const post = (body: string) => fetch(log.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('keeps each alert with its kind, site, event and arrival time, and answers 200', async () => {
    const before = Date.now();
    const payload = { kind: 'outage_confirmed', idempotency_key: 'k1', site: { uuid: 's1' }, event: { uuid: 'e1' } };
    expect((await post(JSON.stringify(payload))).status).toBe(200);
    expect((await post(JSON.stringify({ ...payload, kind: 'outage_recovered', site: { uuid: 's2' } }))).status).toBe(200);
    expect((await post('not json')).status).toBe(200);

    const [first, ...rest] = log.alerts();
    expect(first).toEqual({ kind: 'outage_confirmed', siteId: 's1', eventId: 'e1', idempotencyKey: 'k1', at: expect.any(Number) });
    expect(first.at).toBeGreaterThanOrEqual(before);
    expect(first.at).toBeLessThanOrEqual(Date.now());
    expect(rest.map((alert) => `${alert.kind}/${alert.siteId}`)).toEqual(['outage_recovered/s2', '/']);
    expect(log.alerts('s2').map((alert) => alert.kind)).toEqual(['outage_recovered']);
  });
});
