import { runnerIsStale } from '@vigil/contracts';
import type { NotificationChannel, Runner, SiteEvent } from '@vigil/db';
import { closeEvent, decideRunner, isMutation, type Transition } from '@vigil/lifecycle';
import type { SiteFacts, SiteProjection } from './load-sites';
import type { CauseLink, EventChange, SiteStatusUpdate, Step } from './plan';
import { recipients, toEventState } from './plan-check';
import { projectSites } from './status-projection';

/** A disabled or deleted check (or one of an archived site), as its sweep claims it. */
export interface RetiredCheck {
  readonly id: number;
  readonly uuid: string;
  readonly siteId: number;
  readonly endpointId: number;
  readonly deleted: boolean;
  readonly siteArchived: boolean;
}

/** What closing a retired check needs, loaded with its row locked. */
export interface RetiredCheckContext {
  readonly check: RetiredCheck;
  /** Its open events, of any kind, in id order. */
  readonly open: readonly SiteEvent[];
  /** Enabled channels that apply to its site. */
  readonly channels: readonly NotificationChannel[];
}

/** The change a retired check makes to its site: it no longer counts. */
export function retiredSiteChange(check: RetiredCheck, at: Date): SiteProjection {
  return { siteId: check.siteId, checkId: check.id, check: check.uuid, checkStatus: null, at, checked: false, statusChanged: true };
}

/**
 * A retired check's plan (pure): its open events close (`check_deleted` or `check_disabled`) and
 * the check shows `paused`; {@link planRetiredSite} follows.
 */
export function planRetiredCheck(ctx: RetiredCheckContext, at: Date): Step[] {
  const { check } = ctx;
  const reason = check.deleted ? 'check_deleted' : 'check_disabled';
  const closes = ctx.open.map((event): EventChange => {
    const mutation = closeEvent(toEventState(event), reason, { now: at.getTime() });
    return {
      kind: 'event',
      mutation,
      site: { id: check.siteId },
      checkId: check.id,
      endpointId: check.endpointId,
      checkType: event.checkType,
      location: event.location,
      causeEventId: null,
      on: { id: event.id, uuid: event.uuid },
      key: null,
      audit: { source: 'system', metadata: check.siteArchived ? { reason, site_archived: true } : { reason } },
      notify: recipients(ctx.channels, mutation),
      log: {
        fields: { check: check.uuid, event_type: event.eventType },
        written: { level: 'info', message: `event closed: ${reason}` },
        skipped: 'read-only: close skipped',
      },
    };
  });
  return [...closes, { kind: 'check_status', check: check.uuid, checkId: check.id, status: 'paused', lastStatusChangeAt: at }];
}

/** A retired check's site, its status projected without the check. */
export function planRetiredSite(sites: SiteFacts, check: RetiredCheck, at: Date): SiteStatusUpdate {
  const [site] = projectSites(sites, [retiredSiteChange(check, at)]);
  if (site === undefined) throw new Error(`site ${check.siteId} does not exist`);
  return site;
}

/** The site runner events belong to (an event needs a site; a runner serves many). Made when first needed. */
export const RUNNERS_SITE = { slug: 'vigil-runners', name: 'Vigil runners' } as const;

/** An open outage (no cause named yet) and the locations it relies on: failing, or whose last result failed. */
export interface RelyingOutage {
  readonly id: bigint;
  readonly uuid: string;
  readonly check: string;
  readonly locations: readonly string[];
}

/** What a sweep of the runners needs, loaded under its lock. */
export interface RunnerSweepContext {
  readonly runners: readonly Pick<Runner, 'slug' | 'createdAt' | 'lastSeenAt' | 'revokedAt'>[];
  /** The open runner_offline events. */
  readonly open: readonly SiteEvent[];
  /** The runners' site, when it was made already. */
  readonly siteId: number | null;
  /** Every enabled channel, in id order: those of the runners' site are told. */
  readonly channels: readonly NotificationChannel[];
}

/**
 * The runners' plan (pure): `runner_offline` opens for each stale runner (`runnerIsStale`: nothing
 * heard for longer than `staleAfterMs`, the rule the runners API shows) and closes as `recovered`
 * once it is heard from again; a revoked runner's event closes as `manual`.
 */
export function planRunnerSweep(ctx: RunnerSweepContext, at: Date, staleAfterMs: number): EventChange[] {
  const openBySlug = new Map(ctx.open.map((event) => [event.location ?? '', event]));
  const siteId = ctx.siteId;
  const channels = ctx.channels.filter((c) => c.siteIds.length === 0 || (siteId !== null && c.siteIds.includes(siteId)));
  return ctx.runners.flatMap((runner): EventChange[] => {
    const event = openBySlug.get(runner.slug) ?? null;
    const lastHeard = runner.lastSeenAt ?? runner.createdAt;
    const silentMs = at.getTime() - lastHeard.getTime();
    const now = { now: at.getTime() };
    const transition: Transition =
      runner.revokedAt !== null
        ? event === null
          ? { kind: 'none', notification: null }
          : closeEvent(toEventState(event), 'manual', now)
        : decideRunner(event === null ? null : toEventState(event), runnerIsStale(runner, at.getTime(), staleAfterMs), now);
    if (!isMutation(transition)) return [];
    const facts = { runner: runner.slug, last_seen_at: runner.lastSeenAt?.toISOString() ?? null, silent_s: Math.round(silentMs / 1000) };
    const written =
      transition.kind === 'open'
        ? { level: 'warn' as const, message: `runner ${runner.slug} is offline: nothing heard for ${facts.silent_s} s` }
        : { level: 'info' as const, message: `runner ${runner.slug} ${transition.reason === 'manual' ? 'was revoked' : 'reports again'}: its offline event is closed` };
    return [
      {
        kind: 'event',
        mutation: transition,
        site: siteId === null ? { create: RUNNERS_SITE } : { id: siteId },
        checkId: null,
        endpointId: null,
        checkType: null,
        location: runner.slug,
        causeEventId: null,
        on: event === null ? null : { id: event.id, uuid: event.uuid },
        // Named, so that the outages relying on the runner can be linked to it in the same plan.
        key: transition.kind === 'open' ? `runner:${runner.slug}` : null,
        audit: { source: 'system', metadata: facts },
        notify: recipients(channels, transition),
        log: { fields: facts, written, skipped: `read-only: runner event ${transition.kind} skipped` },
      },
    ];
  });
}

/**
 * The outages already open when a runner they rely on goes offline (pure): each is linked to the
 * runner_offline event the sweep opens (`cause_linked`, state and severity unchanged). An outage
 * relying on several runners that go offline at once is linked to the first; one that names a
 * cause already is not in `relying`.
 */
export function planCauseLinks(changes: readonly EventChange[], relying: readonly RelyingOutage[], at: Date): CauseLink[] {
  const linked = new Set<bigint>();
  return changes.flatMap((change): CauseLink[] => {
    const runner = change.location;
    if (change.mutation.kind !== 'open' || change.key === null || runner === null) return [];
    return relying
      .filter((outage) => outage.locations.includes(runner) && !linked.has(outage.id))
      .map((outage): CauseLink => {
        linked.add(outage.id);
        const fields = { check: outage.check, runner };
        return {
          kind: 'cause_link',
          on: { id: outage.id, uuid: outage.uuid },
          cause: { opened: change.key as string },
          at,
          audit: { source: 'system', metadata: { reason: 'runner_offline', runner } },
          log: { fields, written: { level: 'info', message: `outage linked to its cause: runner ${runner} is offline` }, skipped: 'read-only: cause link skipped' },
        };
      });
  });
}
