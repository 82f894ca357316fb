// Knuth's multiplicative hash: spreads consecutive check ids evenly over an interval.
const GOLDEN = 2654435761n;

/**
 * Where in its interval a check runs, in ms: stable for a check and interval, and
 * spread so that 10,000 checks with one interval do not all fall due in the same second.
 * Every location of a check shares it, so the locations probe at about the same moment.
 * The lease query (`lease.ts`) computes the same value in SQL.
 */
export function scheduleOffsetMs(checkId: number, intervalS: number): number {
  const period = BigInt(intervalS) * 1000n;
  return Number((BigInt(checkId) * GOLDEN) % period);
}

/** The first slot of a check strictly after `afterMs`: slots are `offset + k × interval`, so there is no drift. */
export function nextSlotMs(checkId: number, intervalS: number, afterMs: number): number {
  const period = intervalS * 1000;
  const offset = scheduleOffsetMs(checkId, intervalS);
  return (Math.floor((afterMs - offset) / period) + 1) * period + offset;
}
