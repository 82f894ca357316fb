import { inMaintenance, maintenanceAt, occurrences, upcoming } from './occurrences';
import { seriesEnd, type WindowLike } from './recurrence';

const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const iso = (o: { start: number; end: number }) => [new Date(o.start).toISOString(), new Date(o.end).toISOString()];

function recurring(startsAt: string, rrule: string, timezone: string, durationS: number): WindowLike {
  const start = new Date(startsAt);
  return { startsAt: start, endsAt: seriesEnd(start, { rrule, timezone, durationS }), rrule, timezone, durationS };
}

describe('occurrences', () => {
  it('treats a one-off window as its one occurrence', () => {
    const window = { startsAt: new Date(0), endsAt: new Date(H), rrule: null, timezone: null, durationS: null };
    expect(occurrences(window, -H, 0)).toEqual([]);
    expect(occurrences(window, H - 1, 2 * H)).toEqual([{ start: 0, end: H }]);
    expect(occurrences(window, H, 2 * H)).toEqual([]);
  });

  it('keeps the local time across the spring DST change and skips a start that does not exist', () => {
    // Sundays 02:30 in Paris: on 29 March 2026 clocks jump from 02:00 to 03:00, so 02:30 never happens.
    const window = recurring('2026-03-22T01:30:00Z', 'FREQ=WEEKLY;BYDAY=SU;COUNT=3', 'Europe/Paris', 3600);
    expect(occurrences(window, at('2026-03-01T00:00:00Z'), at('2026-05-01T00:00:00Z')).map(iso)).toEqual([
      ['2026-03-22T01:30:00.000Z', '2026-03-22T02:30:00.000Z'],
      ['2026-04-05T00:30:00.000Z', '2026-04-05T01:30:00.000Z'],
      ['2026-04-12T00:30:00.000Z', '2026-04-12T01:30:00.000Z'],
    ]);
    expect(window.endsAt?.toISOString()).toBe('2026-04-12T01:30:00.000Z');
  });

  it('keeps the local time across the autumn DST change and starts an ambiguous time at its first instant', () => {
    // Daily 02:30 in New York: 1 November 2026 repeats 01:00-02:00 only, so 02:30 is fine; 01:30 is ambiguous.
    const daily = recurring('2026-10-31T06:30:00Z', 'FREQ=DAILY;COUNT=2', 'America/New_York', 1800);
    expect(occurrences(daily, 0, Number.MAX_SAFE_INTEGER).map((o) => new Date(o.start).toISOString())).toEqual([
      '2026-10-31T06:30:00.000Z', // EDT, UTC-4
      '2026-11-01T07:30:00.000Z', // EST, UTC-5
    ]);
    const ambiguous = recurring('2026-10-31T05:30:00Z', 'FREQ=DAILY;COUNT=2', 'America/New_York', 1800);
    expect(occurrences(ambiguous, 0, Number.MAX_SAFE_INTEGER).map((o) => new Date(o.start).toISOString())).toEqual([
      '2026-10-31T05:30:00.000Z',
      '2026-11-01T05:30:00.000Z', // 01:30 EDT, the first of the two 01:30s
    ]);
  });

  it('ends an UNTIL series on the bound and a COUNT series after COUNT occurrences', () => {
    const until = recurring('2026-01-01T09:00:00Z', 'FREQ=DAILY;UNTIL=20260103T090000Z', 'UTC', 60);
    expect(occurrences(until, 0, Number.MAX_SAFE_INTEGER)).toHaveLength(3);
    const count = recurring('2026-01-01T09:00:00Z', 'FREQ=MONTHLY;BYMONTHDAY=31;COUNT=3', 'UTC', 60);
    // Months without a 31st are skipped, not moved.
    expect(occurrences(count, 0, Number.MAX_SAFE_INTEGER).map((o) => new Date(o.start).toISOString().slice(0, 10))).toEqual([
      '2026-01-31',
      '2026-03-31',
      '2026-05-31',
    ]);
  });

  it('returns an occurrence that began before the range but is still running, and none that ended at its start', () => {
    const window = recurring('2026-01-01T00:00:00Z', 'FREQ=DAILY;COUNT=5', 'UTC', 2 * 3600);
    expect(occurrences(window, at('2026-01-02T01:00:00Z'), at('2026-01-02T01:30:00Z')).map(iso)).toEqual([['2026-01-02T00:00:00.000Z', '2026-01-02T02:00:00.000Z']]);
    expect(occurrences(window, at('2026-01-02T02:00:00Z'), at('2026-01-03T00:00:00Z'))).toEqual([]);
    expect(occurrences(window, at('2026-01-02T02:00:00Z'), at('2026-01-03T00:00:01Z'))).toHaveLength(1);
  });

  it('lists what is upcoming, including the occurrence in progress, up to the limit', () => {
    const window = recurring('2026-01-01T00:00:00Z', 'FREQ=DAILY;COUNT=10', 'UTC', 3600);
    expect(upcoming(window, at('2026-01-03T00:30:00Z'), at('2026-01-10T00:00:00Z'), 2).map((o) => new Date(o.start).toISOString())).toEqual([
      '2026-01-03T00:00:00.000Z',
      '2026-01-04T00:00:00.000Z',
    ]);
  });
});

describe('maintenanceAt', () => {
  const weekly = recurring('2026-03-01T22:00:00Z', 'FREQ=WEEKLY;COUNT=4', 'UTC', 4 * 3600);
  const oneOff = { startsAt: new Date('2026-03-05T00:00:00Z'), endsAt: new Date('2026-03-05T01:00:00Z'), rrule: null, timezone: null, durationS: null };

  it('names the window and the occurrence covering the instant', () => {
    const found = maintenanceAt([oneOff, weekly], at('2026-03-09T01:00:00Z'));
    expect(found?.window).toBe(weekly);
    expect(found && iso(found.occurrence)).toEqual(['2026-03-08T22:00:00.000Z', '2026-03-09T02:00:00.000Z']);
    expect(maintenanceAt([oneOff, weekly], at('2026-03-05T00:59:59Z'))?.window).toBe(oneOff);
  });

  it('is false between occurrences and after the series', () => {
    expect(inMaintenance([oneOff, weekly], at('2026-03-09T02:00:00Z'))).toBe(false);
    expect(inMaintenance([weekly], at('2026-03-29T23:00:00Z'))).toBe(false);
    expect(inMaintenance([weekly], at('2026-03-22T23:00:00Z'))).toBe(true);
  });
});

describe('a stored rule that no longer expands', () => {
  it('covers nothing rather than throwing', () => {
    const broken = { startsAt: new Date(0), endsAt: new Date(10 * 86_400_000), rrule: 'FREQ=SECONDLY;COUNT=5', timezone: 'UTC', durationS: 60 };
    expect(occurrences(broken, 0, 86_400_000)).toEqual([]);
    expect(inMaintenance([broken], 1000)).toBe(false);
  });
});

describe('an open-ended series', () => {
  // Every Sunday 02:00-04:00 in Paris, forever, from 4 October 2026 (DTSTART three years back in the 2029 cases).
  const forever = recurring('2026-10-04T00:00:00Z', 'FREQ=WEEKLY;BYDAY=SU', 'Europe/Paris', 2 * 3600);

  it('has no end and covers its Sunday in 2029, in winter and summer time, but not the Monday', () => {
    expect(forever.endsAt).toBeNull();
    // 7 January 2029: CET (UTC+1), so 02:00 local is 01:00Z.
    expect(maintenanceAt([forever], at('2029-01-07T01:30:00Z'))?.occurrence).toEqual({ start: at('2029-01-07T01:00:00Z'), end: at('2029-01-07T03:00:00Z') });
    expect(inMaintenance([forever], at('2029-01-08T01:30:00Z'))).toBe(false);
    // 1 July 2029: CEST (UTC+2).
    expect(inMaintenance([forever], at('2029-07-01T00:00:00Z'))).toBe(true);
    expect(inMaintenance([forever], at('2029-07-01T02:00:00Z'))).toBe(false);
    expect(inMaintenance([forever], at('2029-07-02T00:30:00Z'))).toBe(false);
  });

  it('skips a start in the spring gap and keeps local time across both changes', () => {
    // Sundays 02:30 in Paris: 25 March 2029 has no 02:30.
    const gap = recurring('2026-10-04T00:30:00Z', 'FREQ=WEEKLY;BYDAY=SU', 'Europe/Paris', 1800);
    expect(occurrences(gap, at('2029-03-17T00:00:00Z'), at('2029-04-02T00:00:00Z')).map(iso)).toEqual([
      ['2029-03-18T01:30:00.000Z', '2029-03-18T02:00:00.000Z'],
      ['2029-04-01T00:30:00.000Z', '2029-04-01T01:00:00.000Z'],
    ]);
    // 28 October 2029: 02:30 happens twice; the first (CEST) is the start.
    expect(occurrences(gap, at('2029-10-27T00:00:00Z'), at('2029-11-05T00:00:00Z')).map((o) => new Date(o.start).toISOString())).toEqual([
      '2029-10-28T00:30:00.000Z',
      '2029-11-04T01:30:00.000Z',
    ]);
  });

  it('agrees with the same rule expanded whole, across week boundaries and before DTSTART', () => {
    const rules = ['FREQ=WEEKLY;BYDAY=SU', 'FREQ=DAILY;BYHOUR=1,13', 'FREQ=MONTHLY;BYDAY=-1SU', 'FREQ=HOURLY;INTERVAL=7', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=WE,SA'];
    for (const rrule of rules) {
      for (const timezone of ['Europe/Paris', 'America/New_York', 'UTC']) {
        const open = recurring('2026-10-04T00:00:00Z', rrule, timezone, 5400);
        const whole = recurring('2026-10-04T00:00:00Z', `${rrule};UNTIL=20280101T000000Z`, timezone, 5400);
        const [from, to] = [at('2026-09-01T00:00:00Z'), at('2027-12-31T00:00:00Z')];
        expect([rrule, timezone, occurrences(open, from, to)]).toEqual([rrule, timezone, occurrences(whole, from, to)]);
      }
    }
  });

  it('lists upcoming occurrences without expanding past the limit', () => {
    expect(upcoming(forever, at('2040-01-01T00:00:00Z'), Number.MAX_SAFE_INTEGER, 2).map((o) => new Date(o.start).toISOString())).toEqual([
      '2040-01-01T01:00:00.000Z',
      '2040-01-08T01:00:00.000Z',
    ]);
  });
});
