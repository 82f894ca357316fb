import { type listCheckResults, MAX_RESULTS_WINDOW_HOURS, type QueryOf } from '@vigil/contracts';
import type { VigilPrisma } from '@vigil/db';
import { HttpError } from '@vigil/http';
import { freshForMs, type FreshnessSchedule } from '@vigil/quorum';
import { decodeCursor, pageOf } from '../http/cursor';
import { type CheckLocationJson, checkLocationJson, type CheckResultJson, checkResultJson, type LocationStateRow } from './check-serialize';

/** Each location state of a check with the newest result from that location, in one query. */
export async function checkLocations(
  prisma: VigilPrisma,
  check: { id: number; failingThreshold: number } & FreshnessSchedule,
  now: number,
): Promise<CheckLocationJson[]> {
  const rows = await prisma.$queryRaw<LocationStateRow[]>`
    SELECT ls.location, ls.failing_strikes, ls.passing_strikes, ls.resolved, ls.next_due_at,
           ls.last_result_at, ls.last_inconclusive,
           -- A reported run may keep its leased_until (see ingestResults): it is not leased any more.
           (ls.leased_until IS NOT NULL AND ls.leased_until > now() AND NOT EXISTS (
              SELECT 1 FROM check_results lr WHERE lr.check_id = ls.check_id AND lr.run_id = ls.lease_run_id
           )) AS leased,
           r.ok, r.degraded, r.inconclusive, r.status_code, r.latency_ms, r.error_code, r.error, r.checked_at
    FROM location_states ls
    LEFT JOIN LATERAL (
      SELECT cr.ok, cr.degraded, cr.inconclusive, cr.status_code, cr.latency_ms, cr.error_code, cr.error, cr.checked_at
      FROM check_results cr
      WHERE cr.check_id = ls.check_id AND cr.location = ls.location
      ORDER BY cr.checked_at DESC, cr.id DESC
      LIMIT 1
    ) r ON true
    WHERE ls.check_id = ${check.id}
    ORDER BY ls.location COLLATE "C"`;
  const freshMs = freshForMs(check);
  return rows.map((row) => checkLocationJson(row, check.failingThreshold, freshMs, now));
}

/** The position after the last result of a page: its time and id, the two keys it is ordered by. */
function resultPosition(cursor: string | undefined): { at: Date; id: bigint } | undefined {
  return decodeCursor(cursor, { at: 'date', id: 'bigint' });
}

/**
 * Refuses a window of raw results longer than MAX_RESULTS_WINDOW_HOURS (`since` to `until`, or
 * to now): long windows are read from the rollups. Without `since`, a page is the last results.
 */
export function assertRawWindow(query: Pick<QueryOf<typeof listCheckResults>, 'since' | 'until'>, now: number): void {
  if (query.since === undefined) return;
  const until = query.until === undefined ? now : Date.parse(query.until);
  if (until - Date.parse(query.since) <= MAX_RESULTS_WINDOW_HOURS * 3_600_000) return;
  const message = `raw results cover at most ${MAX_RESULTS_WINDOW_HOURS} hours before until (or now): read longer windows from /api/v1/checks/:id/rollups`;
  throw new HttpError(400, 'invalid_query', `query parameter since: ${message}`, { problems: [{ field: 'since', message }] });
}

/** A page of a check's results, newest first by (checked_at, id), so pages neither repeat nor skip rows. */
export async function checkResultsPage(
  prisma: VigilPrisma,
  checkId: number,
  query: QueryOf<typeof listCheckResults>,
  now: number = Date.now(),
): Promise<{ data: CheckResultJson[]; next_cursor: string | null }> {
  assertRawWindow(query, now);
  const after = resultPosition(query.cursor);
  const rows = await prisma.checkResult.findMany({
    where: {
      checkId,
      ...(query.location === undefined ? {} : { location: query.location }),
      checkedAt: {
        ...(query.since === undefined ? {} : { gte: new Date(query.since) }),
        ...(query.until === undefined ? {} : { lt: new Date(query.until) }),
      },
      ...(after === undefined ? {} : { OR: [{ checkedAt: { lt: after.at } }, { checkedAt: after.at, id: { lt: after.id } }] }),
    },
    orderBy: [{ checkedAt: 'desc' }, { id: 'desc' }],
    take: query.limit + 1,
  });
  const { page, next_cursor } = pageOf(rows, query.limit, (last) => ({ at: last.checkedAt, id: last.id }));
  return {
    data: page.map(checkResultJson),
    next_cursor,
  };
}
