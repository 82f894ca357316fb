import type { ServerStats } from './runner-protocol';

/** The keep-up benchmark's stub controller counters: the runner benchmark's, and what the schedule saw. */
export interface KeepUpStats extends ServerStats {
  /** Slots no run was leased for: a poll came more than a period after the slot. */
  readonly slotsSkipped: number;
  /** Leases that ran out with no result. */
  readonly leasesExpired: number;
  /** Results whose run started more than a second after its due time, their summed and worst lateness. */
  readonly startedLate: number;
  readonly lateMsSum: number;
  readonly lateMsMax: number;
}
