import type { MaintenanceWindow } from '@vigil/db';
import { freshForMs } from '@vigil/quorum';
import type { EventChange, Note, Step } from './plan';
import { channelWants, planCheck, projectionSteps } from './plan-check';
import { at, channel, check, context, LOCATIONS, openEvent, result, round, state } from './testing/rows';

const eventsOf = (steps: readonly Step[]) => steps.filter((s): s is EventChange => s.kind === 'event');
const notesOf = (steps: readonly Step[]) => steps.filter((s): s is Note => s.kind === 'note');

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value) && !(value instanceof Date) && !(value instanceof Map)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

describe('planCheck', () => {
  it('plans an outage from the first failure to its confirmation, each change on the event the one before opened', () => {
    const plan = planCheck(context([...round(60, false, false, true), ...round(120, false, false, true)], { channels: [channel(1), channel(3)] }));

    const [open, upgrade] = eventsOf(plan.events);
    expect(eventsOf(plan.events)).toHaveLength(2);
    expect(open).toMatchObject({
      mutation: { kind: 'open', stateAfter: 'seems_down', severityAfter: 'low', at: at(60).getTime(), notification: null },
      site: { id: 3 },
      checkId: 7,
      endpointId: 70,
      checkType: 'http',
      on: null,
      audit: { source: 'location:eu-1', metadata: { location: 'eu-1', status_code: 503, failing_locations: [] } },
      notify: [],
    });
    expect(open.key).not.toBeNull();
    expect(upgrade).toMatchObject({
      mutation: { kind: 'upgrade', reason: 'confirmed', stateAfter: 'down', at: at(121).getTime(), notification: 'outage_confirmed' },
      on: { opened: open.key },
      key: null,
      audit: { source: 'location:us-1', metadata: { failing_locations: ['eu-1', 'us-1'] } },
      notify: [1, 3],
    });
    // Invariant 9: the openings that did not happen say why, on the event that was open.
    expect(notesOf(plan.events).map((n) => [n.message, n.fields['location'], n.suppressed, n.event])).toEqual(
      ['us-1', 'ap-1', 'eu-1', 'ap-1'].map((location) => ['event not opened: one is already open', location, 'already_open', { opened: open.key }]),
    );

    expect(plan.strikes.map((s) => [s.location, s.columns.failingStrikes, s.columns.resolved])).toEqual([
      ['eu-1', 2, false],
      ['us-1', 2, false],
      ['ap-1', 0, true],
    ]);
    expect(plan.status).toEqual({ kind: 'check_status', check: 'check-7', checkId: 7, status: 'down', lastStatusChangeAt: at(121), lastCheckedAt: at(122) });
    expect(plan.site).toEqual({ siteId: 3, checkId: 7, check: 'check-7', checkStatus: 'down', at: at(122), checked: true, statusChanged: true });
    expect(plan.evaluated.resultIds).toHaveLength(6);
  });

  it('tells a degradation only to the channels that did not opt out, and every outage to all', () => {
    const slow = (seconds: number) => round(seconds, true, true, true).map((r, i) => (i < 2 ? { ...r, degraded: true } : r));
    const quiet = { ...channel(2), notifyOnDegraded: false };
    const plan = planCheck(context([...slow(60), ...slow(120)], { channels: [channel(1), quiet] }));
    expect(eventsOf(plan.events).map((e) => [e.mutation.kind, e.mutation.stateAfter, e.mutation.notification, e.notify])).toEqual([['open', 'degraded', 'degraded_opened', [1]]]);
    expect(plan.strikes.map((s) => [s.location, s.columns.degradedStrikes])).toEqual([
      ['eu-1', 2],
      ['us-1', 2],
      ['ap-1', 0],
    ]);
    expect(plan.status).toMatchObject({ status: 'degraded', lastStatusChangeAt: at(121) });
    expect(channelWants(quiet, 'degraded_recovered')).toBe(false);
    expect(channelWants(quiet, 'outage_confirmed')).toBe(true);
    expect(channelWants(channel(1), 'degraded_recovered')).toBe(true);
  });

  it('tells a suspicion only to the channels that asked for it', () => {
    const plan = planCheck(context(round(60, false, true, true), { channels: [channel(1), channel(2, true)] }));
    expect(eventsOf(plan.events).map((e) => [e.mutation.notification, e.notify])).toEqual([['outage_suspected', [2]]]);
  });

  it('closes a loaded down event as recovered once the locations pass, on the loaded row', () => {
    const ctx = context(round(180, true, true, true), { openEvent: openEvent('down', at(60)), check: check({ status: 'down' }) });
    const plan = planCheck(ctx);
    expect(eventsOf(plan.events).map((e) => [e.mutation.kind, e.mutation.reason, e.on, e.notify])).toEqual([
      ['close', 'recovered', { id: 41n, uuid: 'event-41' }, [1, 2]],
    ]);
    expect(plan.status?.status).toBe('up');
  });

  it('opens nothing in maintenance, and says so for each failing result', () => {
    const window: MaintenanceWindow = { id: 1, uuid: 'w', siteId: 3, checkId: null, startsAt: at(0), endsAt: at(600), reason: '', createdAt: at(0), rrule: null, timezone: null, durationS: null };
    const plan = planCheck(context(round(60, false, false, true), { windows: [window] }));
    expect(eventsOf(plan.events)).toEqual([]);
    expect(notesOf(plan.events).map((n) => [n.fields['location'], n.level, n.suppressed, n.event])).toEqual([
      ['eu-1', 'info', 'in_maintenance', null],
      ['us-1', 'info', 'in_maintenance', null],
      ['ap-1', 'info', 'in_maintenance', null],
    ]);
    expect(plan.status?.status).toBe('maintenance');
  });

  describe('linking an outage to the runner_offline spell its evidence was taken in', () => {
    const spell = (from: number, to: number | null) => new Map([['eu-1', [{ id: 9n, uuid: 'offline-9', from: at(from).getTime(), to: to === null ? null : at(to).getTime() }]]]);
    const opened = (runnersOffline: ReturnType<typeof spell>) =>
      eventsOf(planCheck(context(round(60, false, true, true), { runnersOffline })).events).map((e) => [e.causeEventId, e.audit.metadata['cause_event']]);

    it('links an outage opened from a location whose runner is offline, and says so in the opening transition', () => {
      expect(opened(spell(30, null))).toEqual([[9n, 'offline-9']]);
    });

    it('links it also when the spell already ended: the runner was heard again before its late results were evaluated', () => {
      expect(opened(spell(30, 90))).toEqual([[9n, 'offline-9']]);
    });

    it('links nothing to a spell that ended before, or began after, the result was taken', () => {
      expect(opened(spell(0, 60))).toEqual([[null, undefined]]);
      expect(opened(spell(61, null))).toEqual([[null, undefined]]);
      expect(opened(new Map())).toEqual([[null, undefined]]);
    });
  });

  it('only marks the results of a disabled check', () => {
    const plan = planCheck(context(round(60, false, false, false), { check: check({ enabled: false }) }));
    expect(plan).toMatchObject({ events: [], strikes: [], status: null, site: null });
    expect(plan.evaluated.resultIds).toHaveLength(3);
  });

  it('notes a result from a location the check has no state for, and does not count it', () => {
    const plan = planCheck(context([result('xx-1', false, 60)]));
    expect(notesOf(plan.events)).toEqual([expect.objectContaining({ level: 'warn', fields: { check: 'check-7', location: 'xx-1' } })]);
    expect(plan.strikes).toEqual([]);
  });

  it('opens no spell for a round that passes through unknown on its way to up', () => {
    // The locations last reported 200 s ago: the first result of the round leaves one fresh location.
    const states = LOCATIONS.map((l, i) => ({ ...state(l, i), lastResultAt: at(-200) }));
    const plan = planCheck(context(round(0, true, true, true), { states }));
    expect(eventsOf(plan.events)).toEqual([]);
    expect(plan.status?.status).toBe('up');
  });

  it('writes fresh_until by the shared rule: the newest conclusive result plus freshForMs, null while inconclusive', () => {
    const c = check({ intervalS: 30, timeoutMs: 5_000 });
    expect(freshForMs(c)).toBe(75_000);
    const plan = planCheck(context([result('eu-1', true, 60), result('us-1', true, 61), inconclusive('ap-1', 62), result('eu-1', false, 90)], { check: c }));
    expect(plan.strikes.map((s) => [s.location, s.freshUntil])).toEqual([
      ['eu-1', at(90 + 75)],
      ['us-1', at(61 + 75)],
      ['ap-1', null],
    ]);
  });

  it('is pure: the same frozen inputs give the same plan', () => {
    const ctx = deepFreeze(context([...round(60, false, false, true), ...round(120, false, false, true), ...round(180, true, true, true)]));
    expect(planCheck(ctx)).toEqual(planCheck(ctx));
  });
});

const inconclusive = (location: string, seconds: number) => ({ ...result(location, false, seconds), inconclusive: true, errorCode: 'EGRESS_DENIED' });
const spellRow = () => ({ ...openEvent('seems_down', at(30)), id: 42n, uuid: 'event-42', eventType: 'unknown' as const, severity: 'low' as const });

describe('planCheck: inconclusive results and unknown spells', () => {
  it('moves no strike for inconclusive results and opens no outage: too few conclusive locations make the check unknown, a spell opens', () => {
    const plan = planCheck(context(LOCATIONS.map((l, i) => inconclusive(l, 60 + i)), { channels: [channel(1, true)] }));
    const changes = eventsOf(plan.events);
    expect(changes.map((e) => [e.mutation.kind, e.mutation.stateAfter, e.mutation.severityAfter, e.mutation.notification, e.notify])).toEqual([
      ['open', 'unknown', 'low', null, []],
    ]);
    // 2 of 3 locations are needed: the second inconclusive result leaves one conclusive location.
    expect(changes[0]).toMatchObject({
      mutation: { at: at(61).getTime() },
      causeEventId: null,
      audit: {
        source: 'location:us-1',
        metadata: { status: 'unknown', required: 2, fresh_locations: ['ap-1'], stale_locations: [], inconclusive_locations: ['eu-1', 'us-1'], caused_by_runner_offline: null },
      },
    });
    expect(plan.strikes.map((s) => [s.location, s.columns.failingStrikes, s.columns.passingStrikes, s.columns.lastOk, s.columns.lastInconclusive])).toEqual([
      ['eu-1', 0, 1, false, true],
      ['us-1', 0, 1, false, true],
      ['ap-1', 0, 1, false, true],
    ]);
    expect(plan.status).toMatchObject({ status: 'unknown', lastStatusChangeAt: at(61) });
    expect(plan.site).toMatchObject({ checkStatus: 'unknown', statusChanged: true });
  });

  it('closes the open spell as recovered, silently, once enough locations report conclusively again', () => {
    const ctx = context(round(60, true, true, true), { openUnknown: spellRow(), check: check({ status: 'unknown' }) });
    const plan = planCheck(ctx);
    expect(eventsOf(plan.events).map((e) => [e.mutation.kind, e.mutation.reason, e.on, e.notify, e.audit.metadata['status']])).toEqual([
      ['close', 'recovered', { id: 42n, uuid: 'event-42' }, [], 'up'],
    ]);
    expect(plan.status?.status).toBe('up');
  });

  it('never closes a spell before it began, for a late result that ends it', () => {
    const plan = planCheck(context(round(10, true, true, true), { openUnknown: { ...spellRow(), startedAt: at(30) }, check: check({ status: 'unknown' }) }));
    expect(eventsOf(plan.events).map((e) => [e.mutation.kind, e.mutation.at])).toEqual([['close', at(30).getTime()]]);
  });

  it('keeps an open spell while the check stays unknown, and opens none for a check that was unknown already', () => {
    const stale = LOCATIONS.map((l, i) => ({ ...state(l, i), lastResultAt: null, lastOk: null }));
    const withSpell = planCheck(context([result('eu-1', true, 60)], { states: stale, openUnknown: spellRow(), check: check({ status: 'unknown' }) }));
    expect(eventsOf(withSpell.events)).toEqual([]);
    const newCheck = planCheck(context([result('eu-1', true, 60)], { states: stale, check: check({ status: 'unknown' }) }));
    expect(eventsOf(newCheck.events)).toEqual([]);
    expect(newCheck.status?.status).toBe('unknown');
  });

  it('links a spell opened while a silent location has an open runner_offline to that event, and says so', () => {
    // us-1 and ap-1 last reported at 0 s: past 2 × 60 s + 10 s + 10 s at 200 s.
    const plan = planCheck(context([result('eu-1', true, 200)], { runnersOffline: new Map([['ap-1', [{ id: 9n, uuid: 'offline-9', from: at(0).getTime(), to: null }]]]) }));
    const [open] = eventsOf(plan.events);
    expect(open).toMatchObject({
      mutation: { kind: 'open', stateAfter: 'unknown' },
      causeEventId: 9n,
      audit: { metadata: { fresh_locations: ['eu-1'], stale_locations: ['us-1', 'ap-1'], caused_by_runner_offline: 'ap-1' } },
    });
  });

  it('keeps a confirmed outage down while its locations turn inconclusive: no spell, no recovery', () => {
    const failing = LOCATIONS.map((l, i) => ({ ...state(l, i), failingStrikes: 2, passingStrikes: 0, resolved: false, lastOk: false }));
    const ctx = context(LOCATIONS.map((l, i) => inconclusive(l, 60 + i)), { states: failing, openEvent: openEvent('down', at(30)), check: check({ status: 'down' }) });
    const plan = planCheck(ctx);
    expect(eventsOf(plan.events)).toEqual([]);
    expect(plan.status?.status).toBe('down');
  });
});

describe('projectionSteps', () => {
  it('orders the projections of a batch: strikes, check statuses, site statuses, then marks', () => {
    const a = planCheck(context(round(60, false, false, true)));
    const b = planCheck(context(round(60, true, true, true), { check: check({ id: 8, uuid: 'check-8' }) }));
    const kinds = projectionSteps([a, b], [{ kind: 'site_status', check: 'check-7', siteId: 3, status: 'seems_down' }]).map((s) => s.kind);
    expect(kinds.join(' ')).toMatch(/^(strikes )+check_status check_status site_status results_evaluated results_evaluated$/);
  });
});
