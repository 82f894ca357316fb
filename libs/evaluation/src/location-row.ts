import type { LocationState as LocationStateRow } from '@vigil/db';
import type { LocationState, ResultOutcome } from '@vigil/quorum';

/** The `location_states` columns the evaluator reads and writes. */
export type StrikeColumns = Pick<LocationStateRow, 'failingStrikes' | 'passingStrikes' | 'resolved' | 'lastResultAt' | 'lastOk' | 'lastInconclusive' | 'degradedStrikes'>;

/** A stored row as the quorum sees it: `failing` is stored as `resolved = !failing`, `inconclusive` as `last_inconclusive`. */
export function toLocationState(location: string, row: StrikeColumns): LocationState {
  return {
    location,
    failingStrikes: row.failingStrikes,
    passingStrikes: row.passingStrikes,
    failing: !row.resolved,
    lastResultAt: row.lastResultAt === null ? null : row.lastResultAt.getTime(),
    inconclusive: row.lastInconclusive,
    degradedStrikes: row.degradedStrikes,
  };
}

/**
 * The columns to store after a result. `lastOk` follows the newest result only (an inconclusive
 * one is stored with ok = false): a result checked before the latest one (reported late) changes
 * the strikes but not `last_ok`.
 */
export function toStrikeColumns(state: LocationState, previous: StrikeColumns, outcome: ResultOutcome, checkedAt: number): StrikeColumns {
  const newest = previous.lastResultAt === null || checkedAt >= previous.lastResultAt.getTime();
  return {
    failingStrikes: state.failingStrikes,
    passingStrikes: state.passingStrikes,
    resolved: !state.failing,
    lastResultAt: state.lastResultAt === null ? null : new Date(state.lastResultAt),
    lastOk: newest ? outcome === 'ok' || outcome === 'degraded' : previous.lastOk,
    lastInconclusive: state.inconclusive,
    degradedStrikes: state.degradedStrikes,
  };
}
