import type { VigilPrisma } from '@vigil/db';
import { replayTransitions, worstStatus } from '@vigil/lifecycle';

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/**
 * Everything evaluation wrote, keyed by check name and site slug instead of ids, so two
 * databases seeded with one plan compare with toEqual: per check its status, strikes and
 * events, per event its transitions in order, per transition the outbox rows by channel.
 */
export async function evaluationSnapshot(prisma: VigilPrisma) {
  const [sites, checks, states, events, transitions, outbox, pending] = await Promise.all([
    prisma.site.findMany({ orderBy: { slug: 'asc' } }),
    prisma.check.findMany({ orderBy: { name: 'asc' } }),
    prisma.locationState.findMany({ orderBy: [{ checkId: 'asc' }, { location: 'asc' }] }),
    prisma.siteEvent.findMany({ orderBy: [{ startedAt: 'asc' }, { id: 'asc' }] }),
    prisma.eventTransition.findMany({ orderBy: { id: 'asc' } }),
    prisma.notification.findMany({ include: { channel: { select: { name: true } } } }),
    prisma.pendingResult.count(),
  ]);
  const byTransition = groupBy(outbox, (n) => String(n.transitionId));
  const byEvent = groupBy(transitions, (t) => String(t.eventId));
  const eventsByCheck = groupBy(events, (e) => String(e.checkId));
  const statesByCheck = groupBy(states, (s) => String(s.checkId));
  return {
    pending,
    // Not the site's last_status_change_at: it is stamped per transaction (the newest result of
    // the site's checks in it), so it depends on how the site's checks fell into transactions.
    sites: Object.fromEntries(sites.map((s) => [s.slug, { status: s.status, lastCheckedAt: iso(s.lastCheckedAt) }])),
    checks: Object.fromEntries(
      checks.map((c) => [
        c.name ?? String(c.id),
        {
          status: c.status,
          lastCheckedAt: iso(c.lastCheckedAt),
          lastStatusChangeAt: iso(c.lastStatusChangeAt),
          strikes: (statesByCheck.get(String(c.id)) ?? []).map((s) => ({
            location: s.location,
            failingStrikes: s.failingStrikes,
            passingStrikes: s.passingStrikes,
            resolved: s.resolved,
            lastResultAt: iso(s.lastResultAt),
            lastOk: s.lastOk,
          })),
          events: (eventsByCheck.get(String(c.id)) ?? []).map((e) => ({
            type: e.eventType,
            severity: e.severity,
            startedAt: iso(e.startedAt),
            endedAt: iso(e.endedAt),
            resolutionReason: e.resolutionReason,
            metadata: e.metadata,
            transitions: (byEvent.get(String(e.id)) ?? []).map((t) => ({
              reason: t.reason,
              stateBefore: t.stateBefore,
              stateAfter: t.stateAfter,
              severityBefore: t.severityBefore,
              severityAfter: t.severityAfter,
              source: t.source,
              at: iso(t.at),
              metadata: t.metadata,
              outbox: (byTransition.get(String(t.id)) ?? []).map((n) => `${n.channel.name}:${n.kind}:${n.status}`).sort(),
            })),
          })),
        },
      ]),
    ),
  };
}

export type EvaluationSnapshot = Awaited<ReturnType<typeof evaluationSnapshot>>;

/** The checks and sites whose state differs between two snapshots (the first `limit` of each, with both sides). */
export function snapshotDifferences(a: EvaluationSnapshot, b: EvaluationSnapshot, limit = 3) {
  const differing = <T>(x: Record<string, T>, y: Record<string, T>) =>
    [...new Set([...Object.keys(x), ...Object.keys(y)])].filter((k) => JSON.stringify(x[k]) !== JSON.stringify(y[k]));
  const checks = differing(a.checks, b.checks);
  const sites = differing(a.sites, b.sites);
  return {
    pending: [a.pending, b.pending],
    checks: checks.length,
    sites: sites.length,
    examples: [
      ...checks.slice(0, limit).map((k) => ({ check: k, a: a.checks[k], b: b.checks[k] })),
      ...sites.slice(0, limit).map((k) => ({ site: k, a: a.sites[k], b: b.sites[k] })),
    ],
  };
}

/** Every transition in the snapshot, as one comparable line each: (check, ordinal) → what it recorded. */
export function transitionLines(snapshot: EvaluationSnapshot): string[] {
  return Object.entries(snapshot.checks).flatMap(([check, c]) =>
    c.events
      .flatMap((e) => e.transitions)
      .map((t, ordinal) => `${check} #${ordinal} ${t.reason} ${t.stateBefore}/${t.severityBefore}→${t.stateAfter}/${t.severityAfter} at ${t.at}`),
  );
}

/**
 * What a half-written evaluation would leave behind, as readable violations (none expected):
 * - an event whose transitions do not replay to it (a mutation without its audit row or the reverse);
 * - a check or site status that disagrees with its open event or its checks;
 * - strikes or `last_checked_at` that saw results other than the evaluated ones;
 * - an outbox row without its transition;
 * - an evaluated result after an unevaluated one of the same check (evaluation is in `checked_at` order).
 */
export async function halfWrites(prisma: VigilPrisma): Promise<string[]> {
  const violations: string[] = [];
  const [events, transitions, checks, sites] = await Promise.all([
    prisma.siteEvent.findMany({ orderBy: { id: 'asc' } }),
    prisma.eventTransition.findMany({ orderBy: { id: 'asc' } }),
    prisma.check.findMany({ include: { endpoint: { select: { siteId: true } } } }),
    prisma.site.findMany(),
  ]);
  const byEvent = groupBy(transitions, (t) => String(t.eventId));
  for (const e of events) {
    const records = (byEvent.get(String(e.id)) ?? []).map((t) => ({ ...t, at: t.at.getTime() }));
    try {
      const replayed = replayTransitions(records);
      const row = { type: e.eventType, severity: e.severity, startedAt: e.startedAt.getTime(), endedAt: e.endedAt?.getTime() ?? null, resolutionReason: e.resolutionReason };
      if (JSON.stringify(replayed) !== JSON.stringify(row)) violations.push(`event ${e.id}: row ${JSON.stringify(row)} but its transitions replay to ${JSON.stringify(replayed)}`);
    } catch (error) {
      violations.push(`event ${e.id}: ${(error as Error).message}`);
    }
  }

  const open = groupBy(
    events.filter((e) => e.endedAt === null),
    (e) => String(e.checkId),
  );
  for (const c of checks) {
    const openEvents = open.get(String(c.id)) ?? [];
    if (openEvents.length > 1) violations.push(`check ${c.name}: ${openEvents.length} open events`);
    if (openEvents.length === 1 && openEvents[0].eventType !== c.status) violations.push(`check ${c.name}: status ${c.status} but its open event is ${openEvents[0].eventType}`);
  }
  const checksBySite = groupBy(checks, (c) => String(c.endpoint.siteId));
  for (const s of sites) {
    const expected = worstStatus((checksBySite.get(String(s.id)) ?? []).map((c) => c.status));
    if (s.status !== expected) violations.push(`site ${s.slug}: status ${s.status}, its checks' worst is ${expected}`);
  }

  const strikes = await prisma.$queryRaw<Array<{ check_id: number; location: string; stored: Date | null; evaluated: Date | null }>>`
    SELECT ls.check_id, ls.location, ls.last_result_at AS stored,
           (SELECT max(r.checked_at) FROM check_results r WHERE r.check_id = ls.check_id AND r.location = ls.location AND NOT EXISTS (SELECT 1 FROM pending_results q WHERE q.result_id = r.id)) AS evaluated
    FROM location_states ls`;
  for (const s of strikes) {
    if (iso(s.stored) !== iso(s.evaluated)) violations.push(`check id ${s.check_id} ${s.location}: strikes saw a result at ${iso(s.stored)}, the newest evaluated is ${iso(s.evaluated)}`);
  }
  const lastChecked = await prisma.$queryRaw<Array<{ id: number; stored: Date | null; evaluated: Date | null }>>`
    SELECT c.id, c.last_checked_at AS stored,
           (SELECT max(r.checked_at) FROM check_results r WHERE r.check_id = c.id AND NOT EXISTS (SELECT 1 FROM pending_results q WHERE q.result_id = r.id)) AS evaluated
    FROM checks c`;
  for (const c of lastChecked) {
    if (iso(c.stored) !== iso(c.evaluated)) violations.push(`check id ${c.id}: last_checked_at ${iso(c.stored)}, the newest evaluated result is ${iso(c.evaluated)}`);
  }

  const orphans = await prisma.$queryRaw<Array<{ id: bigint }>>`
    SELECT n.id FROM notifications n LEFT JOIN event_transitions t ON t.id = n.transition_id
    WHERE t.id IS NULL OR t.event_id <> n.event_id`;
  for (const n of orphans) violations.push(`notification ${n.id}: no transition of its event`);

  const unordered = await prisma.$queryRaw<Array<{ check_id: number }>>`
    SELECT DISTINCT done.check_id FROM check_results done
    JOIN pending_results todo ON todo.check_id = done.check_id AND todo.checked_at < done.checked_at
    WHERE NOT EXISTS (SELECT 1 FROM pending_results q WHERE q.result_id = done.id)`;
  for (const u of unordered) violations.push(`check id ${u.check_id}: a result was evaluated before an earlier one`);
  return violations;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [item]);
    else group.push(item);
  }
  return groups;
}
