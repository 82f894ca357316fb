import { ruleText } from './rule-text';

describe('ruleText', () => {
  it('says the rule in words, in local time, without a zone abbreviation that DST would make wrong half the year', () => {
    const start = new Date('2026-10-04T00:00:00Z'); // Sunday 02:00 in Paris
    expect(ruleText(start, { rrule: 'FREQ=WEEKLY;BYDAY=SU', timezone: 'Europe/Paris', durationS: 7200 })).toBe('every week on Sunday at 2 AM');
    expect(ruleText(start, { rrule: 'FREQ=MONTHLY;BYDAY=-1SU;COUNT=3', timezone: 'Europe/Paris', durationS: 60 })).toBe('every month on last Sunday at 2 AM for 3 times');
  });

  it('is null for a rule that no longer reads', () => {
    expect(ruleText(new Date(0), { rrule: 'FREQ=SECONDLY', timezone: 'UTC', durationS: 60 })).toBeNull();
  });
});
