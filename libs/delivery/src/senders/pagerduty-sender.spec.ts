import { type Receiver, SAMPLE_EVENT_UUID, sampleMessage, startReceiver } from '../testing';
import { pagerDutySender } from './pagerduty-sender';

const routingKey = 'R0UT1NGKEY0123456789abcdefABCDEF';

describe('pagerDutySender', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver({ respond: () => ({ status: 202, body: '{"status":"success","message":"Event processed"}' }) });
  });
  afterAll(() => receiver.close());

  it('triggers on a confirmed outage and resolves on recovery, with the event uuid as dedup key', async () => {
    const context = { pagerDutyEventsUrl: `${receiver.url}/v2/enqueue` };
    const triggered = await pagerDutySender(sampleMessage('outage_confirmed'), { routing_key: routingKey }, context);
    const resolved = await pagerDutySender(sampleMessage('outage_recovered'), { routing_key: routingKey }, context);
    expect(triggered).toMatchObject({ ok: true, statusCode: 202 });
    expect(resolved).toMatchObject({ ok: true, statusCode: 202 });

    const [trigger, resolve] = receiver.requests.map((r) => ({ path: r.path, body: JSON.parse(r.body) }));
    expect(trigger.path).toBe('/v2/enqueue');
    expect(trigger.body).toMatchObject({
      routing_key: routingKey,
      event_action: 'trigger',
      dedup_key: SAMPLE_EVENT_UUID,
      payload: {
        summary: 'DOWN: Shop (https://shop.example/)',
        source: 'https://shop.example/',
        severity: 'critical',
        timestamp: '2026-11-23T10:00:00.000Z',
        custom_details: { kind: 'outage_confirmed', failing_locations: ['eu-1', 'us-1'] },
      },
    });
    expect(resolve.body).toEqual({ routing_key: routingKey, event_action: 'resolve', dedup_key: SAMPLE_EVENT_UUID });
  });

  it('triggers a degraded spell as a warning and resolves it on the same dedup key', async () => {
    const context = { pagerDutyEventsUrl: `${receiver.url}/v2/enqueue` };
    const before = receiver.requests.length;
    expect(await pagerDutySender(sampleMessage('degraded_opened'), { routing_key: routingKey }, context)).toMatchObject({ ok: true });
    expect(await pagerDutySender(sampleMessage('degraded_recovered'), { routing_key: routingKey }, context)).toMatchObject({ ok: true });
    const [trigger, resolve] = receiver.requests.slice(before).map((r) => JSON.parse(r.body));
    expect(trigger).toMatchObject({
      event_action: 'trigger',
      dedup_key: SAMPLE_EVENT_UUID,
      payload: { summary: 'Degraded: Shop (https://shop.example/)', severity: 'warning', custom_details: { kind: 'degraded_opened' } },
    });
    expect(resolve).toEqual({ routing_key: routingKey, event_action: 'resolve', dedup_key: SAMPLE_EVENT_UUID });
  });

  it('refuses a routing key of the wrong length without sending', async () => {
    const before = receiver.requests.length;
    const outcome = await pagerDutySender(sampleMessage(), { routing_key: 'short' }, { pagerDutyEventsUrl: receiver.url });
    expect(outcome).toMatchObject({ ok: false, retryable: false });
    expect(receiver.requests).toHaveLength(before);
  });
});
