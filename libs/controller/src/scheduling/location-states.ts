import type { VigilTransaction } from '@vigil/db';
import { freshForMs, type FreshnessSchedule } from '@vigil/quorum';

/**
 * A check's locations: the ones it names, or, when it names none, every runner that is
 * not revoked (so a runner added later joins it). `@controller` is only ever named.
 */
export async function effectiveLocations(tx: VigilTransaction, locations: readonly string[]): Promise<string[]> {
  if (locations.length > 0) return [...new Set(locations)];
  const runners = await tx.runner.findMany({ where: { revokedAt: null }, select: { slug: true }, orderBy: { slug: 'asc' } });
  return runners.map((runner) => runner.slug);
}

/**
 * Makes the check's location states match its locations: a state (due now) for each new
 * location, none for a location it no longer has. Strikes of the locations it keeps are kept.
 */
export async function syncCheckLocations(tx: VigilTransaction, checkId: number): Promise<string[]> {
  const check = await tx.check.findUniqueOrThrow({ where: { id: checkId }, select: { locations: true, endpoint: { select: { siteId: true } } } });
  const wanted = await effectiveLocations(tx, check.locations);
  await tx.locationState.deleteMany({ where: { checkId, location: { notIn: wanted } } });
  if (wanted.length > 0) {
    await tx.locationState.createMany({
      data: wanted.map((location) => ({ checkId, siteId: check.endpoint.siteId, location })),
      skipDuplicates: true,
    });
  }
  return wanted;
}

/** A new runner joins every check that names no locations (archived sites' on restore); its first runs are due now. */
export async function addRunnerLocation(tx: VigilTransaction, slug: string): Promise<number> {
  return tx.$executeRaw`
    INSERT INTO location_states (check_id, site_id, location)
    SELECT c.id, e.site_id, ${slug}
    FROM checks c JOIN endpoints e ON e.id = c.endpoint_id
    JOIN sites s ON s.id = e.site_id AND s.archived_at IS NULL
    WHERE c.deleted_at IS NULL AND cardinality(c.locations) = 0
    ON CONFLICT (check_id, location) DO NOTHING`;
}

/**
 * A revoked runner leaves the checks it ran implicitly (they name no locations). Checks
 * that name it keep its state: that location now goes stale, which the evaluator reports.
 */
export async function removeRunnerLocation(tx: VigilTransaction, slug: string): Promise<number> {
  return tx.$executeRaw`
    DELETE FROM location_states ls USING checks c
    WHERE ls.check_id = c.id AND ls.location = ${slug} AND cardinality(c.locations) = 0`;
}

/**
 * A disabled or deleted check is parked far in the future, so that polls, which scan due
 * states by (location, next_due_at), never walk over it. Enabling it makes it due now.
 */
export const PARKED_UNTIL = new Date('9999-01-01T00:00:00Z');

export async function parkCheck(tx: VigilTransaction, checkId: number): Promise<void> {
  await tx.$executeRaw`UPDATE location_states SET next_due_at = ${PARKED_UNTIL}, leased_until = NULL WHERE check_id = ${checkId}`;
}

/** A check that is enabled again runs at once at every location, instead of at its next slot. */
export async function makeCheckDueNow(tx: VigilTransaction, checkId: number): Promise<void> {
  await tx.$executeRaw`UPDATE location_states SET next_due_at = now() WHERE check_id = ${checkId}`;
}

/**
 * A new interval or timeout moves the instant each location stops counting as fresh
 * (`fresh_until`, freshUntilMs of libs/quorum), which the evaluator's freshness sweep reads
 * through its index: left as it was, a shorter interval would be noticed late, a longer one
 * only by the sweep's periodic full pass.
 */
export async function refreshFreshUntil(tx: VigilTransaction, checkId: number, schedule: FreshnessSchedule): Promise<void> {
  await tx.$executeRaw`
    UPDATE location_states SET fresh_until = last_result_at + ${freshForMs(schedule)}::int * interval '1 millisecond'
    WHERE check_id = ${checkId} AND last_result_at IS NOT NULL AND NOT last_inconclusive`;
}
