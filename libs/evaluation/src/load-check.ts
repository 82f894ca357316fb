import { type Check, type MaintenanceWindow, PREPARED, Prisma, type SiteEvent, sqlTx, type Transaction } from '@vigil/db';
import { type EvaluatedChannel, type EvaluatedCheck, type EvaluatedResult, type EvaluatedState, loadBatchRows } from './load-rows';

/**
 * A spell of a runner's silence: its `runner_offline` event, from the last time the runner was heard
 * (the event's `last_seen_at`; its start when it has none) until the event closed (null: still open).
 * Results checked within it were taken while the runner could reach nobody: they come late, from
 * its spool, usually after the runner is heard again and its event closed.
 */
export interface OfflineSpell {
  readonly id: bigint;
  readonly uuid: string;
  /** Epoch milliseconds. */
  readonly from: number;
  readonly to: number | null;
}

/** Everything one evaluation of a check reads, loaded after the check's row is locked. */
export interface CheckContext {
  readonly check: EvaluatedCheck;
  readonly siteId: number;
  /** In `checked_at`, id order. */
  readonly results: readonly EvaluatedResult[];
  readonly states: readonly EvaluatedState[];
  /** The open event this check's results drive, if any: `cert_expiring` for a tls_cert check, else `seems_down`/`down`. */
  readonly openEvent: SiteEvent | null;
  /** The check's open unknown spell, if any. */
  readonly openUnknown: SiteEvent | null;
  /** Windows of the site or this check overlapping the results' time span (a recurring one: its series; plan-check expands it). */
  readonly windows: readonly MaintenanceWindow[];
  /** Enabled channels that apply to the site. */
  readonly channels: readonly EvaluatedChannel[];
  /**
   * runner_offline spells by location (runner slug), open or ended after the batch's first result:
   * an outage whose evidence a location took while its runner was offline was caused by that.
   */
  readonly runnersOffline: ReadonlyMap<string, readonly OfflineSpell[]>;
}

function groupBy<T, K>(rows: readonly T[], key: (row: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const row of rows) {
    const group = groups.get(key(row));
    if (group === undefined) groups.set(key(row), [row]);
    else group.push(row);
  }
  return groups;
}

/** The open runner_offline event of each location that has one (its spell goes on). */
export function openRunnersOffline(spells: CheckContext['runnersOffline']): ReadonlyMap<string, bigint> {
  return new Map([...spells].flatMap(([location, of]) => of.filter((s) => s.to === null).map((s) => [location, s.id] as const)));
}

/** When a runner_offline event's runner was last heard, as the sweep recorded it (`last_seen_at`), if it was ever. */
function silentSince(metadata: unknown): number | null {
  const lastSeen = (metadata as { last_seen_at?: unknown } | null)?.last_seen_at;
  const at = typeof lastSeen === 'string' ? Date.parse(lastSeen) : Number.NaN;
  return Number.isFinite(at) ? at : null;
}

const drivenBy = (check: Pick<Check, 'type'>, event: Pick<SiteEvent, 'eventType'>) =>
  check.type === 'tls_cert' ? event.eventType === 'cert_expiring' : event.eventType === 'degraded' || event.eventType === 'seems_down' || event.eventType === 'down';

/**
 * The maintenance windows of the sites or checks overlapping the results' spans: its own small
 * statement, read only when the batch's sites have windows at all (most batches, most sites).
 */
async function loadWindows(tx: Transaction, siteIds: readonly number[], ids: readonly number[], spans: readonly (readonly [Date, Date])[]): Promise<MaintenanceWindow[]> {
  if (spans.length === 0) return [];
  const to = new Date(Math.max(...spans.map(([, end]) => end.getTime()))).toISOString();
  const from = new Date(Math.min(...spans.map(([start]) => start.getTime()))).toISOString();
  // An open-ended series (no ends_at) may cover any time after its start.
  return sqlTx(tx).query<MaintenanceWindow>(Prisma.sql`${Prisma.raw(PREPARED)}
    SELECT id, uuid::text AS uuid, site_id AS "siteId", check_id AS "checkId", starts_at AS "startsAt", ends_at AS "endsAt", reason,
      created_at AS "createdAt", rrule, timezone, duration_s AS "durationS"
    FROM maintenance_windows
    WHERE site_id = ANY(${[...siteIds]}::int[]) AND starts_at <= ${to}::timestamptz
      AND (check_id IS NULL OR check_id = ANY(${[...ids]}::int[])) AND (ends_at IS NULL OR ends_at > ${from}::timestamptz)`);
}

/**
 * Reads the pending results of checks whose rows the caller's transaction has locked, and what
 * evaluating them needs: one statement for the whole batch, whatever its size (two when its
 * sites have maintenance windows). A check that is gone is left out; the contexts come in
 * `checkIds` order.
 */
export async function loadChecks(tx: Transaction, checkIds: readonly number[]): Promise<CheckContext[]> {
  const ids = [...checkIds];
  const rows = await loadBatchRows(sqlTx(tx), ids);
  const checks = rows.checks;
  const results = groupBy(rows.results, (r) => r.checkId);
  const states = groupBy(rows.states, (s) => s.checkId);
  const events = groupBy(rows.events, (e) => e.checkId);
  const siteIds = [...new Set(checks.map((c) => c.siteId))];
  const spans = [...results.values()].map((rs) => [rs[0].checkedAt, rs[rs.length - 1].checkedAt] as const);
  const windows = rows.anyWindow ? await loadWindows(tx, siteIds, ids, spans) : [];
  const channels = rows.channels;

  // Not only the open ones: a runner's late results arrive once it is heard again, and the sweep
  // may close its event (recovered) before they are evaluated. Every spell that may cover a
  // pending result: still open, or ended after the earliest of them.
  const runnersOffline = new Map<string, OfflineSpell[]>();
  for (const e of rows.offline) {
    if (e.location === null) continue;
    const spell = { id: e.id, uuid: e.uuid, from: silentSince(e.metadata) ?? e.startedAt.getTime(), to: e.endedAt?.getTime() ?? null };
    runnersOffline.set(e.location, [...(runnersOffline.get(e.location) ?? []), spell]);
  }

  const byId = new Map(checks.map((c) => [c.id, c]));
  return ids.flatMap((id): CheckContext[] => {
    const found = byId.get(id);
    if (found === undefined) return [];
    const { siteId, ...check } = found;
    const pending = results.get(id) ?? [];
    if (pending.length === 0) return [{ check, siteId, results: pending, states: [], openEvent: null, openUnknown: null, windows: [], channels: [], runnersOffline }];
    const from = pending[0].checkedAt;
    const to = pending[pending.length - 1].checkedAt;
    return [
      {
        check,
        siteId,
        results: pending,
        states: states.get(id) ?? [],
        openEvent: (events.get(id) ?? []).find((e) => drivenBy(check, e)) ?? null,
        openUnknown: (events.get(id) ?? []).find((e) => e.eventType === 'unknown') ?? null,
        windows: windows.filter((w) => w.siteId === siteId && (w.checkId === null || w.checkId === id) && w.startsAt <= to && (w.endsAt === null || w.endsAt > from)),
        channels: channels.filter((c) => c.siteIds.length === 0 || c.siteIds.includes(siteId)),
        runnersOffline,
      },
    ];
  });
}
