import { RUNNER_STALE_AFTER_S, runnerIsStale } from '@vigil/contracts';
import type { EventChange } from './plan';
import { planCauseLinks, planRetiredCheck, planRetiredSite, planRunnerSweep, RUNNERS_SITE } from './plan-sweeps';
import { at, channel, openEvent } from './testing/rows';

const retired = { id: 7, uuid: 'check-7', siteId: 3, endpointId: 70, deleted: false, siteArchived: true };

describe('planRetiredCheck', () => {
  it('closes the open events, shows the check paused and projects its site without it', () => {
    const plan = [
      ...planRetiredCheck({ check: retired, open: [openEvent('down', at(30))], channels: [channel(1), channel(2, true)] }, at(600)),
      planRetiredSite({ sites: [{ id: 3, status: 'down', last_checked_at: at(60) }], others: new Map([[3, ['seems_down']]]) }, retired, at(600)),
    ];
    expect(plan).toEqual([
      expect.objectContaining({
        kind: 'event',
        mutation: expect.objectContaining({ kind: 'close', reason: 'check_disabled', notification: 'outage_resolved', at: at(600).getTime() }),
        on: { id: 41n, uuid: 'event-41' },
        audit: { source: 'system', metadata: { reason: 'check_disabled', site_archived: true } },
        notify: [1, 2],
      }),
      { kind: 'check_status', check: 'check-7', checkId: 7, status: 'paused', lastStatusChangeAt: at(600) },
      { kind: 'site_status', check: 'check-7', siteId: 3, status: 'seems_down', lastStatusChangeAt: at(600) },
    ]);
  });

  it('refuses a check whose site is gone', () => {
    expect(() => planRetiredSite({ sites: [], others: new Map() }, retired, at(600))).toThrow('site 3 does not exist');
  });
});

describe('planRunnerSweep', () => {
  const runner = (slug: string, lastSeenS: number, revoked = false) => ({ slug, createdAt: at(0), lastSeenAt: at(lastSeenS), revokedAt: revoked ? at(500) : null });

  it('opens runner_offline for a silent runner, on the runners site it makes when none exists, told to every-site channels', () => {
    const plan = planRunnerSweep({ runners: [runner('eu-1', 0), runner('us-1', 590)], open: [], siteId: null, channels: [channel(1), { ...channel(2), siteIds: [9] }] }, at(600), 300_000);
    expect(plan.map((e: EventChange) => [e.location, e.mutation.kind, e.site, e.notify, e.log.written?.message])).toEqual([
      ['eu-1', 'open', { create: RUNNERS_SITE }, [1], 'runner eu-1 is offline: nothing heard for 600 s'],
    ]);
  });

  it('closes the event of a runner heard from again as recovered, and of a revoked one as manual', () => {
    const open = { ...openEvent('down', at(0)), eventType: 'runner_offline' as const, severity: 'warning' as const, checkId: null, location: 'eu-1' };
    const plan = planRunnerSweep({ runners: [runner('eu-1', 590)], open: [open], siteId: 5, channels: [{ ...channel(2), siteIds: [5] }] }, at(600), 300_000);
    expect(plan.map((e) => [e.mutation.kind, e.mutation.reason, e.on, e.site, e.notify])).toEqual([['close', 'recovered', { id: 41n, uuid: 'event-41' }, { id: 5 }, [2]]]);
    const revoked = planRunnerSweep({ runners: [runner('eu-1', 0, true)], open: [open], siteId: 5, channels: [] }, at(600), 300_000);
    expect(revoked.map((e) => [e.mutation.reason, e.log.written?.message])).toEqual([['manual', 'runner eu-1 was revoked: its offline event is closed']]);
  });

  it('opens runner_offline exactly when the runners API calls the runner stale, to the millisecond', () => {
    const staleAfterMs = RUNNER_STALE_AFTER_S * 1000;
    const now = at(600);
    for (const silentMs of [0, staleAfterMs - 1, staleAfterMs, staleAfterMs + 1, 3 * staleAfterMs]) {
      const seen = { slug: 'eu-1', createdAt: at(0), lastSeenAt: new Date(now.getTime() - silentMs), revokedAt: null };
      const opens = planRunnerSweep({ runners: [seen], open: [], siteId: 5, channels: [] }, now, staleAfterMs).length === 1;
      expect([silentMs, opens]).toEqual([silentMs, runnerIsStale(seen, now.getTime(), staleAfterMs)]);
      expect(opens).toBe(silentMs > staleAfterMs);
    }
  });

  it('counts a runner never seen from its creation, as the runners API does', () => {
    const never = (createdS: number) => ({ slug: 'new-1', createdAt: at(createdS), lastSeenAt: null, revokedAt: null });
    expect(planRunnerSweep({ runners: [never(500)], open: [], siteId: 5, channels: [] }, at(600), 120_000)).toEqual([]);
    expect(planRunnerSweep({ runners: [never(400)], open: [], siteId: 5, channels: [] }, at(600), 120_000).map((e) => e.mutation.kind)).toEqual(['open']);
    expect(runnerIsStale(never(400), at(600).getTime(), 120_000)).toBe(true);
  });
});

describe('planCauseLinks', () => {
  const runner = (slug: string, lastSeenS: number) => ({ slug, createdAt: at(0), lastSeenAt: at(lastSeenS), revokedAt: null });
  const outage = (id: bigint, locations: string[]) => ({ id, uuid: `event-${id}`, check: `check-${id}`, locations });

  it('links each open outage relying on a runner that goes offline to the event the sweep opens for it, once', () => {
    const changes = planRunnerSweep({ runners: [runner('eu-1', 0), runner('us-1', 0), runner('ap-1', 590)], open: [], siteId: 5, channels: [] }, at(600), 300_000);
    const links = planCauseLinks(changes, [outage(1n, ['eu-1']), outage(2n, ['us-1', 'eu-1']), outage(3n, ['ap-1']), outage(4n, [])], at(600));
    expect(links.map((l) => [l.on.uuid, l.cause, l.audit.metadata, l.at])).toEqual([
      ['event-1', { opened: 'runner:eu-1' }, { reason: 'runner_offline', runner: 'eu-1' }, at(600)],
      ['event-2', { opened: 'runner:eu-1' }, { reason: 'runner_offline', runner: 'eu-1' }, at(600)],
    ]);
  });

  it('links nothing when no runner_offline opens (a close, or nothing at all)', () => {
    const open = { ...openEvent('down', at(0)), eventType: 'runner_offline' as const, severity: 'warning' as const, checkId: null, location: 'eu-1' };
    const closes = planRunnerSweep({ runners: [runner('eu-1', 590)], open: [open], siteId: 5, channels: [] }, at(600), 300_000);
    expect(planCauseLinks(closes, [outage(1n, ['eu-1'])], at(600))).toEqual([]);
  });
});
