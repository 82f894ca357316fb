import { CreateCheckBody } from './checks';
import { HeartbeatSpecSchema } from './check-specs';
import { fieldProblems } from './issues';
import { heartbeatDeadline, heartbeatSettings, parsePingAction } from './heartbeat';

const SITE = '7d3f9a52-6a63-4c55-9a1e-0d6f4c1f2b10';

describe('HeartbeatSpecSchema', () => {
  it('defaults to a daily job with an hour of grace', () => {
    expect(HeartbeatSpecSchema.parse({})).toEqual({ period_s: 86_400, grace_s: 3_600 });
  });

  it('takes seconds-level values (tests) up to a year, and refuses the rest naming the field', () => {
    expect(HeartbeatSpecSchema.parse({ period_s: 1, grace_s: 1 })).toEqual({ period_s: 1, grace_s: 1 });
    const refused = HeartbeatSpecSchema.safeParse({ period_s: 0, grace_s: 31_536_001, cron: '* * * * *' });
    expect(refused.success).toBe(false);
    if (!refused.success) expect(fieldProblems(refused.error).map((p) => p.field)).toEqual(['period_s', 'grace_s', 'cron']);
    expect(HeartbeatSpecSchema.safeParse({ period_s: 1.5 }).success).toBe(false);
  });
});

describe('creating a heartbeat check', () => {
  it('needs neither a target nor schedule settings', () => {
    const body = CreateCheckBody.parse({ site_id: SITE, type: 'heartbeat', spec: { period_s: 300, grace_s: 60 } });
    expect(body).toMatchObject({ type: 'heartbeat', target: 'heartbeat', enabled: true, spec: { period_s: 300, grace_s: 60 } });
  });

  it('refuses the settings that follow from the spec, and a label with spaces', () => {
    const refused = CreateCheckBody.safeParse({ site_id: SITE, type: 'heartbeat', target: 'nightly backup', interval_s: 60, locations: ['eu-1'] });
    expect(refused.success).toBe(false);
    if (!refused.success) expect(fieldProblems(refused.error).map((p) => p.field).sort()).toEqual(['', 'target']);
  });

  it('derives one witness at @heartbeat, quorum 1 of 1, freshness from period + grace', () => {
    expect(heartbeatSettings({ period_s: 300, grace_s: 60 })).toEqual({
      interval_s: 360,
      down_interval_s: null,
      timeout_ms: 1000,
      locations: ['@heartbeat'],
      failing_threshold: 1,
      passing_threshold: 1,
      failing_locations_threshold: 1,
    });
  });
});

describe('parsePingAction', () => {
  it.each([
    [undefined, { kind: 'success', exitCode: null }],
    ['start', { kind: 'start', exitCode: null }],
    ['fail', { kind: 'fail', exitCode: null }],
    ['0', { kind: 'success', exitCode: 0 }],
    ['1', { kind: 'fail', exitCode: 1 }],
    ['255', { kind: 'fail', exitCode: 255 }],
  ])('reads %p', (action, expected) => {
    expect(parsePingAction(action)).toEqual(expected);
  });

  it.each(['256', '-1', '01', '1e2', 'log', 'START', ' 1'])('refuses %p', (action) => {
    expect(parsePingAction(action)).toBeUndefined();
  });
});

describe('heartbeatDeadline', () => {
  const spec = { period_s: 60, grace_s: 30 };
  const at = new Date('2026-12-05T03:00:00.000Z');
  it('is period + grace after a success, grace after a start, none after a fail or before any ping', () => {
    expect(heartbeatDeadline(spec, { kind: 'success', receivedAt: at })).toEqual({ at: new Date('2026-12-05T03:01:30.000Z'), reason: 'late' });
    expect(heartbeatDeadline(spec, { kind: 'start', receivedAt: at })).toEqual({ at: new Date('2026-12-05T03:00:30.000Z'), reason: 'run_too_long' });
    expect(heartbeatDeadline(spec, { kind: 'fail', receivedAt: at })).toBeNull();
    expect(heartbeatDeadline(spec, null)).toBeNull();
  });
});

describe('a heartbeat on a cron schedule', () => {
  it('takes a cron expression and an IANA time zone, and refuses bad ones naming the field', () => {
    expect(HeartbeatSpecSchema.parse({ schedule: '0 3 * * *', timezone: 'Europe/Paris', grace_s: 600 })).toEqual({
      period_s: 86_400,
      grace_s: 600,
      schedule: '0 3 * * *',
      timezone: 'Europe/Paris',
    });
    const refused = HeartbeatSpecSchema.safeParse({ schedule: '61 * * * *', timezone: 'Mars/Base' });
    expect(refused.success).toBe(false);
    if (!refused.success) {
      const problems = fieldProblems(refused.error);
      expect(problems.map((p) => p.field)).toEqual(['schedule', 'timezone']);
      expect(problems[0].message).toMatch(/^must be a cron expression such as "0 3 \* \* \*"/);
    }
    const orphan = HeartbeatSpecSchema.safeParse({ timezone: 'UTC' });
    expect(orphan.success).toBe(false);
    if (!orphan.success) expect(fieldProblems(orphan.error)).toEqual([{ field: 'timezone', message: 'is only used with schedule' }]);
  });

  it('expects a ping grace_s after the first run time following the last one, in its time zone', () => {
    const spec = HeartbeatSpecSchema.parse({ schedule: '0 3 * * *', timezone: 'Europe/Paris', grace_s: 600 });
    // 03:00 in Paris is 02:00 UTC in December: the run after 05:00 UTC on the 5th is on the 6th.
    const last = { kind: 'success' as const, receivedAt: new Date('2026-12-05T05:00:00.000Z') };
    expect(heartbeatDeadline(spec, last)).toEqual({ at: new Date('2026-12-06T02:10:00.000Z'), reason: 'late' });
    // A start still has grace_s to end.
    expect(heartbeatDeadline(spec, { ...last, kind: 'start' })?.reason).toBe('run_too_long');
  });

  it('takes the longest gap between runs as the period of its freshness', () => {
    const weekdays = HeartbeatSpecSchema.parse({ schedule: '0 3 * * 1-5', grace_s: 600 });
    expect(heartbeatSettings(weekdays, new Date('2026-12-05T00:00:00.000Z')).interval_s).toBe(3 * 86_400 + 600);
  });
});
