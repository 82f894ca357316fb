import { Prisma, PREPARED, type SqlDatabase, sqlDb } from '@vigil/db';

/**
 * Whether any run of `location` is due now or within `lookaheadMs`: leaseDueRuns's first test
 * alone, on the (location, next_due_at) index, in one small statement. A yes may lease nothing
 * (a run still leased, a disabled check's state); a no leaves nothing to lease.
 */
export async function runsDue(db: SqlDatabase, location: string, lookaheadMs = 0): Promise<boolean> {
  const [row] = await sqlDb(db).query<{ due: boolean }>(runsDueStatement(location, lookaheadMs));
  return row?.due ?? true;
}

/** runsDue's statement (exported for the plan tests). */
export function runsDueStatement(location: string, lookaheadMs: number): Prisma.Sql {
  // The location's earliest due time, one descent of the index: an EXISTS (with or without an
  // ORDER BY and LIMIT) had a generic plan that scanned every location state, expecting a match at
  // once, every second, for the @controller location that most deployments give no check at all.
  return Prisma.sql`${Prisma.raw(PREPARED)}
    SELECT coalesce((SELECT min(next_due_at) FROM location_states WHERE location = ${location})
                    <= now() + ${lookaheadMs}::int * interval '1 millisecond', false) AS due`;
}
