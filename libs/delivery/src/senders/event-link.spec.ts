import { SAMPLE_EVENT_UUID, sampleMessage } from '../testing';
import { emailHtml, emailText } from './email-sender';
import { pagerDutyPayload } from './pagerduty-sender';
import { slackPayload } from './slack-sender';
import { webhookPayload } from './webhook-sender';

const PAGE = `https://vigil.example/events/${SAMPLE_EVENT_UUID}`;
const SENT_AT = new Date('2026-11-23T10:01:05.000Z');

describe("every channel's link to the event", () => {
  const linked = sampleMessage('outage_confirmed', { publicUrl: 'https://vigil.example' });
  const unlinked = sampleMessage('outage_confirmed');

  it("points at the dashboard's event page, never the JSON API", () => {
    const rendered = [
      JSON.stringify(webhookPayload(linked, SENT_AT)),
      JSON.stringify(slackPayload(linked)),
      JSON.stringify(pagerDutyPayload(linked, 'k'.repeat(32))),
      emailText(linked),
      emailHtml(linked),
    ];
    for (const text of rendered) {
      expect(text).toContain(PAGE);
      expect(text).not.toContain('/api/v1/events');
    }
    expect(webhookPayload(linked, SENT_AT).links).toEqual([{ label: 'Event', url: PAGE }]);
    expect(emailText(linked).split('\n').at(-1)).toBe(`Event: ${PAGE}`);
  });

  it('is left out when VIGIL_PUBLIC_URL is unset, the event id still in the text', () => {
    expect(webhookPayload(unlinked, SENT_AT).links).toEqual([]);
    expect(JSON.stringify(slackPayload(unlinked))).not.toContain('/events/');
    expect(pagerDutyPayload(unlinked, 'k'.repeat(32))).not.toHaveProperty('links');
    expect(emailText(unlinked)).toBe(unlinked.text);
    expect(emailHtml(unlinked)).not.toContain('<a href');
    expect(unlinked.text).toContain(`Event id: ${SAMPLE_EVENT_UUID}`);
  });
});
