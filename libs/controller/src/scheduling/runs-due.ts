import { type Database, Prisma, PREPARED } from '@vigil/db';

/**
 * Whether any run of `location` is due now or within `lookaheadMs`: leaseDueRuns's first test
 * alone, on the (location, next_due_at) index, in one small statement. A yes may lease nothing
 * (a run still leased, a disabled check's state); a no leaves nothing to lease.
 */
export async function runsDue(db: Pick<Database, 'prisma'>, location: string, lookaheadMs = 0): Promise<boolean> {
  const [row] = await db.prisma.$queryRaw<{ due: boolean }[]>(Prisma.sql`${Prisma.raw(PREPARED)}
    SELECT EXISTS (
      SELECT 1 FROM location_states WHERE location = ${location} AND next_due_at <= now() + ${lookaheadMs}::int * interval '1 millisecond'
    ) AS due`);
  return row?.due ?? true;
}
