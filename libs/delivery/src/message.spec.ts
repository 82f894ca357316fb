import { buildAlertMessage, formatDuration } from './message';
import { SAMPLE_EVENT_UUID, sampleSource } from './testing';

describe('buildAlertMessage', () => {
  it('tells a confirmed outage with its site, target, failing locations and failure', () => {
    const message = buildAlertMessage(sampleSource('outage_confirmed'));
    expect(message.title).toBe('DOWN: Shop (https://shop.example/)');
    expect(message.action).toBe('trigger');
    expect(message.text.split('\n')).toEqual([
      'DOWN: Shop (https://shop.example/)',
      'Check: Home page (http) on https://shop.example/',
      'Event: down, severity high',
      'Failing from: eu-1, us-1',
      'Failure: HTTP 503, ASSERTION_FAILED: expected 200',
      'Started: 2026-11-23T10:00:00.000Z',
      `Event id: ${SAMPLE_EVENT_UUID}`,
    ]);
    expect(message.locations).toEqual({ failing: ['eu-1', 'us-1'], reporting: 'us-1' });
    expect(message.event).toMatchObject({ id: '1234', uuid: SAMPLE_EVENT_UUID, endedAt: null, resolutionReason: null });
    expect(message.idempotencyKey).toBe(`${SAMPLE_EVENT_UUID}:42:7`);
  });

  it('tells a recovery as a resolve with how long the outage lasted', () => {
    const message = buildAlertMessage(sampleSource('outage_recovered'));
    expect(message.title).toBe('Recovered: Shop (https://shop.example/)');
    expect(message.action).toBe('resolve');
    expect(message.text).toContain('Ended: 2026-11-23T10:07:30.000Z after 7m 30s (recovered)');
    expect(message.text).toContain('Last failure: HTTP 503');
  });

  it('tells a degraded spell as slow, not failing, with the rule crossed, and its end as a resolve', () => {
    const opened = buildAlertMessage(sampleSource('degraded_opened'));
    expect(opened).toMatchObject({ title: 'Degraded: Shop (https://shop.example/)', action: 'trigger', locations: { failing: ['eu-1', 'us-1'] } });
    expect(opened.text.split('\n')).toEqual([
      'Degraded: Shop (https://shop.example/)',
      'Check: Home page (http) on https://shop.example/',
      'Event: degraded, severity warning',
      'Slow from: eu-1, us-1',
      'Slow: latency 1234 ms over 800 ms',
      'Started: 2026-11-23T10:00:00.000Z',
      `Event id: ${SAMPLE_EVENT_UUID}`,
    ]);
    const recovered = buildAlertMessage(sampleSource('degraded_recovered'));
    expect(recovered).toMatchObject({ title: 'Performance restored: Shop (https://shop.example/)', action: 'resolve' });
    expect(recovered.text).toContain('Was slow: latency 1234 ms over 800 ms');
    expect(recovered.text).toContain('Ended: 2026-11-23T10:07:30.000Z after 7m 30s (recovered)');
  });

  it('names every degraded rule it knows, and falls back to the latency or to failing locations', () => {
    const source = sampleSource('degraded_opened');
    const withMetadata = (metadata: typeof source.event.metadata) => buildAlertMessage({ ...source, event: { ...source.event, metadata } }).text;
    expect(
      withMetadata({
        degraded: [
          { rule: 'rtt', limit_ms: 10, rtt_avg_ms: 12.4 },
          { rule: 'assertion', message: 'JSON path $.queue is 900; expected it to be less than 100' },
          { rule: 'unknown' },
        ],
      }),
    ).toContain('Slow: average rtt 12.4 ms over 10 ms; JSON path $.queue is 900; expected it to be less than 100');
    const plain = withMetadata({ latency_ms: 950, failing_locations: ['us-1'] });
    expect(plain).toContain('Slow: latency 950 ms');
    expect(plain).toContain('Slow from: us-1');
  });

  it('names the resolution reason of an outage closed otherwise than by recovery', () => {
    const message = buildAlertMessage(sampleSource('outage_resolved'));
    expect(message.title).toBe('Resolved (manual): Shop (https://shop.example/)');
    expect(message.action).toBe('resolve');
  });

  it('keeps reminders and suspicions as triggers with their own headline', () => {
    expect(buildAlertMessage(sampleSource('reminder'))).toMatchObject({ title: 'Still down: Shop (https://shop.example/)', action: 'trigger' });
    expect(buildAlertMessage(sampleSource('outage_suspected'))).toMatchObject({ title: 'Seems down: Shop (https://shop.example/)' });
  });

  it('speaks of the site alone for an event without a check, and tolerates metadata of another shape', () => {
    const source = sampleSource();
    const message = buildAlertMessage({
      ...source,
      check: null,
      transition: null,
      event: { ...source.event, metadata: { failing_locations: 'eu-1', error: 42 } },
    });
    expect(message.title).toBe('DOWN: Shop');
    expect(message.check).toBeNull();
    expect(message.locations).toEqual({ failing: [], reporting: null });
    expect(message.text).not.toContain('Check:');
    expect(message.text).not.toContain('Failure');
  });

  it('speaks of the runner for a location-wide event, and resolves when it is back', () => {
    const source = sampleSource();
    const offline = { ...source, check: null, event: { ...source.event, eventType: 'runner_offline' as const, location: 'eu-1' } };
    expect(buildAlertMessage({ ...offline, notification: { ...source.notification, kind: 'runner_offline' } })).toMatchObject({
      title: 'Runner offline: location eu-1',
      action: 'trigger',
    });
    expect(buildAlertMessage({ ...offline, notification: { ...source.notification, kind: 'runner_recovered' } })).toMatchObject({
      title: 'Runner back: location eu-1',
      action: 'resolve',
    });
  });

  it("links to the event's dashboard page when the notifier knows Vigil's public URL, and to nothing otherwise", () => {
    expect(buildAlertMessage(sampleSource()).links).toEqual([]);
    expect(buildAlertMessage(sampleSource(), { publicUrl: 'https://vigil.example/' }).links).toEqual([
      { label: 'Event', url: `https://vigil.example/events/${SAMPLE_EVENT_UUID}` },
    ]);
    expect(buildAlertMessage(sampleSource(), { publicUrl: 'https://example.com/vigil' }).links).toEqual([
      { label: 'Event', url: `https://example.com/vigil/events/${SAMPLE_EVENT_UUID}` },
    ]);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [45_000, '45s'],
    [200_000, '3m 20s'],
    [7_500_000, '2h 5m'],
    [90_000_000, '1d 1h'],
  ])('formats %i ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
