import { freshForMs } from '@vigil/quorum';
import { planFreshness, wentUnknown, type FreshnessCandidate } from './plan-freshness';
import { at, check, LOCATIONS } from './testing/rows';

// interval 60 s, timeout 10 s: fresh for 140 s.
const FRESH_S = freshForMs(check()) / 1000;

function candidate(lastSeconds: readonly (number | null)[], patch: { inconclusive?: readonly boolean[]; status?: 'up' | 'maintenance' } = {}): FreshnessCandidate {
  const c = check({ status: patch.status ?? 'up' });
  return {
    check: c,
    siteId: 3,
    states: LOCATIONS.map((location, i) => ({
      location,
      failingStrikes: 0,
      passingStrikes: 1,
      resolved: true,
      lastResultAt: lastSeconds[i] === null ? null : at(lastSeconds[i] as number),
      lastOk: !(patch.inconclusive?.[i] ?? false),
      lastInconclusive: patch.inconclusive?.[i] ?? false,
      degradedStrikes: 0,
    })),
  };
}

const ctx = (c: FreshnessCandidate, patch: { inMaintenance?: boolean; runnersOffline?: ReadonlyMap<string, bigint> } = {}) => ({
  candidate: c,
  inMaintenance: patch.inMaintenance ?? false,
  runnersOffline: patch.runnersOffline ?? new Map<string, bigint>(),
});

describe('the freshness sweep plan', () => {
  it('turns a check unknown once two of three locations are older than freshForMs, and not a moment before', () => {
    const c = candidate([0, 0, 1000]);
    expect(wentUnknown(c, at(FRESH_S))).toBe(false);
    expect(planFreshness(ctx(c), at(FRESH_S))).toBeNull();
    expect(wentUnknown(c, at(FRESH_S + 1))).toBe(true);
    const plan = planFreshness(ctx(c), at(FRESH_S + 1));
    expect(plan?.status).toEqual({ kind: 'check_status', check: 'check-7', checkId: 7, status: 'unknown', lastStatusChangeAt: at(FRESH_S + 1) });
    expect(plan?.site).toEqual({ siteId: 3, checkId: 7, check: 'check-7', checkStatus: 'unknown', at: at(FRESH_S + 1), checked: false, statusChanged: true });
    expect(plan?.events.map((e) => [e.mutation.kind, e.mutation.stateAfter, e.mutation.severityAfter, e.mutation.notification, e.notify, e.audit.source])).toEqual([
      ['open', 'unknown', 'low', null, [], 'system'],
    ]);
    expect(plan?.events[0]?.audit.metadata).toMatchObject({ stale_locations: ['eu-1', 'us-1'], fresh_locations: ['ap-1'], caused_by_runner_offline: null });
  });

  it('counts inconclusive locations as stale, however recent', () => {
    const c = candidate([100, 100, 100], { inconclusive: [true, false, true] });
    expect(planFreshness(ctx(c), at(101))?.events[0]?.audit.metadata).toMatchObject({ inconclusive_locations: ['eu-1', 'ap-1'], fresh_locations: ['us-1'] });
  });

  it('names the open runner_offline of a silent location as the cause', () => {
    const plan = planFreshness(ctx(candidate([0, null, 1000]), { runnersOffline: new Map([['ap-1', 5n], ['us-1', 6n]]) }), at(1000));
    expect(plan?.events[0]).toMatchObject({ causeEventId: 6n, audit: { metadata: { caused_by_runner_offline: 'us-1' } } });
  });

  it('changes nothing in maintenance, for a check without locations, or while enough locations are fresh', () => {
    expect(planFreshness(ctx(candidate([0, 0, 0]), { inMaintenance: true }), at(1000))).toBeNull();
    expect(planFreshness(ctx({ ...candidate([]), states: [] }), at(1000))).toBeNull();
    expect(wentUnknown({ ...candidate([]), states: [] }, at(1000))).toBe(false);
    expect(planFreshness(ctx(candidate([0, 990, 995])), at(1000))).toBeNull();
  });
});
