import { RecurrenceError } from './errors';
import { isOpenEnded, MAX_OCCURRENCE_S, parseRule, recurrenceOf, seriesEnd } from './recurrence';

const H = 3_600_000;
const weekly = { rrule: 'FREQ=WEEKLY;BYDAY=SU;COUNT=3', timezone: 'Europe/Paris', durationS: 7200 };

function problem(run: () => unknown): { field: string; message: string } | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (!(error instanceof RecurrenceError)) throw error;
    return { field: error.field, message: error.message };
  }
}

describe('seriesEnd', () => {
  it('ends a COUNT series at its last occurrence plus the duration', () => {
    // Sunday 25 October 2026, 02:00 in Paris (summer time, UTC+2); the last is 8 November (UTC+1).
    const end = seriesEnd(new Date('2026-1025T00:00:00Z'.replace('10', '10-')), weekly);
    expect(end?.toISOString()).toBe('2026-11-08T03:00:00.000Z');
  });

  it('ends an UNTIL series at the last occurrence the bound allows', () => {
    const end = seriesEnd(new Date('2026-01-05T22:00:00Z'), { rrule: 'FREQ=DAILY;UNTIL=20260108T000000Z', timezone: 'UTC', durationS: 3600 });
    expect(end?.toISOString()).toBe('2026-01-07T23:00:00.000Z');
  });

  it('has no end for an open-ended series (neither COUNT nor UNTIL), however far it goes', () => {
    expect(seriesEnd(new Date('2026-01-04T02:00:00Z'), { ...weekly, rrule: 'FREQ=WEEKLY;BYDAY=SU' })).toBeNull();
    expect(seriesEnd(new Date('2026-01-01T00:00:00Z'), { ...weekly, rrule: 'FREQ=HOURLY;INTERVAL=6' })).toBeNull();
  });

  it('accepts the RRULE: prefix and lower case', () => {
    expect(seriesEnd(new Date('2026-01-01T00:00:00Z'), { ...weekly, rrule: 'rrule:freq=daily;count=2', timezone: 'UTC' })?.toISOString()).toBe(
      '2026-01-02T02:00:00.000Z',
    );
  });

  it.each([
    ['FREQ=WEEKLY;COUNT=2;UNTIL=20270101T000000Z', 'rrule', 'COUNT and UNTIL cannot both be given (RFC 5545)'],
    ['COUNT=3', 'rrule', 'needs FREQ'],
    ['FREQ=MINUTELY;COUNT=3', 'rrule', 'FREQ must be one of HOURLY, DAILY, WEEKLY, MONTHLY, YEARLY'],
    ['FREQ=DAILY;COUNT=0', 'rrule', 'COUNT must be a positive integer'],
    ['FREQ=DAILY;COUNT=2;COUNT=3', 'rrule', 'COUNT is given twice'],
    ['FREQ=DAILY;DTSTART=20260101T000000;COUNT=2', 'rrule', 'DTSTART is not a rule part this window supports (DTSTART is starts_at)'],
    ['FREQ=DAILY;COUNT', 'rrule', '"COUNT" is not NAME=VALUE'],
    ['FREQ=WEEKLY;BYDAY=XX;COUNT=2', 'rrule', 'Invalid BYDAY value: XX'],
    ['FREQ=DAILY;UNTIL=20260108T000000', 'rrule', 'UNTIL rule part MUST always be specified as a date with UTC time'],
    ['FREQ=DAILY;COUNT=2001', 'rrule', 'a series with COUNT or UNTIL has at most 2000 occurrences within 1830 days of starts_at (omit both for a series that goes on)'],
    ['FREQ=YEARLY;UNTIL=20400101T000000Z', 'rrule', 'a series with COUNT or UNTIL has at most 2000 occurrences within 1830 days of starts_at (omit both for a series that goes on)'],
    ['FREQ=DAILY;UNTIL=20250101T000000Z', 'rrule', 'yields no occurrence'],
    ['FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30;COUNT=2', 'rrule', 'yields too few occurrences to expand (Maximum iterations (10000) exceeded in all())'],
    ['FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', 'rrule', 'yields too few occurrences to expand (Maximum iterations (10000) exceeded in all())'],
  ])('refuses %s', (rrule, field, message) => {
    expect(problem(() => seriesEnd(new Date('2026-01-01T00:00:00Z'), { ...weekly, rrule }))).toEqual({ field, message });
  });

  it.each([
    [{ timezone: 'Mars/Olympus' }, 'timezone', 'Mars/Olympus is not an IANA time zone'],
    [{ timezone: '' }, 'timezone', ' is not an IANA time zone'],
    [{ durationS: 0 }, 'duration_s', `must be a whole number of seconds from 1 to ${MAX_OCCURRENCE_S}`],
    [{ durationS: 1.5 }, 'duration_s', `must be a whole number of seconds from 1 to ${MAX_OCCURRENCE_S}`],
    [{ durationS: MAX_OCCURRENCE_S + 1 }, 'duration_s', `must be a whole number of seconds from 1 to ${MAX_OCCURRENCE_S}`],
  ])('refuses %j', (change, field, message) => {
    expect(problem(() => parseRule(new Date(0), { ...weekly, ...change }))).toEqual({ field, message });
  });

  it('reads DTSTART in the zone: 23:00 UTC is the next day in Tokyo', () => {
    const rule = parseRule(new Date('2026-03-01T23:00:00Z'), { rrule: 'FREQ=DAILY;COUNT=1', timezone: 'Asia/Tokyo', durationS: H / 1000 });
    expect(rule.all().map(String)).toEqual(['2026-03-02T08:00:00+09:00[Asia/Tokyo]']);
  });
});

describe('isOpenEnded', () => {
  it('is true without COUNT and UNTIL, whatever the case or prefix', () => {
    expect(isOpenEnded('FREQ=WEEKLY;BYDAY=SU')).toBe(true);
    expect(isOpenEnded('rrule:freq=daily;count=2')).toBe(false);
    expect(isOpenEnded('FREQ=DAILY;UNTIL=20260108T000000Z')).toBe(false);
    expect(isOpenEnded('COUNT=2;FREQ=DAILY')).toBe(false);
  });
});

describe('recurrenceOf', () => {
  it('is null for a one-off window and the three fields otherwise', () => {
    expect(recurrenceOf({ rrule: null, timezone: null, durationS: null })).toBeNull();
    expect(recurrenceOf({ rrule: 'FREQ=DAILY;COUNT=1', timezone: 'UTC', durationS: 60 })).toEqual({ rrule: 'FREQ=DAILY;COUNT=1', timezone: 'UTC', durationS: 60 });
  });
});
