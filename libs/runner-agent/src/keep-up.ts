/**
 * Whether a runner keeps up with what it leases, and the concurrency it should run at: pure
 * decisions, taken once per window from what the agent counted in it (see startRunnerAgent).
 *
 * Behind: runs started late (after their due time plus a threshold) or leases of this
 * location that ran out unrun, beyond a small tolerance. Raising the concurrency only helps
 * when the slots were full; when they were not, the runner is behind for another reason (CPU,
 * the controller) and the concurrency stays, but the runner still says it is behind.
 *
 * Up fast (doubling, to the bound) so a backlog clears in a few windows; down slowly (a
 * quarter of the floor a window, to the floor) once the slots are mostly idle, so a rate that
 * comes and goes does not make it saw.
 */

/** What the agent counted in one window. */
export interface KeepUpWindow {
  /** Runs started in the window. */
  started: number;
  /** Of those, runs that started later than their due time plus the lateness threshold. */
  late: number;
  /** Runs leased in the window whose previous lease (of the same check here) ran out unrun. */
  expired: number;
  /** The most runs in flight at once in the window. */
  peakInFlight: number;
}

export interface KeepUpBounds {
  /** The configured concurrency: the floor it comes back down to. */
  min: number;
  /** The most it may rise to (VIGIL_CONCURRENCY_MAX). */
  max: number;
}

export interface KeepUpState {
  concurrency: number;
  behind: boolean;
}

/** What changed in a window, for the log line that says so. */
export type KeepUpEvent =
  | { kind: 'fell_behind'; missed: number; from: number; to: number }
  | { kind: 'raised'; missed: number; from: number; to: number }
  | { kind: 'caught_up'; concurrency: number }
  | { kind: 'lowered'; from: number; to: number };

/** Late or expired runs up to this share of the runs started (at least one run) are noise: a GC pause, a slow poll. */
export const BEHIND_TOLERANCE = 0.01;

/** Slots in use at most this share of the concurrency, with nothing late, make a window idle. */
export const IDLE_SHARE = 0.5;

export function initialKeepUp(bounds: KeepUpBounds): KeepUpState {
  return { concurrency: bounds.min, behind: false };
}

/** Runs started late or leases expired in `window` beyond the tolerance; 0 when it kept up. */
export function missedRuns(window: KeepUpWindow): number {
  const missed = window.late + window.expired;
  return missed > Math.max(0, Math.floor(window.started * BEHIND_TOLERANCE)) ? missed : 0;
}

export function nextKeepUp(state: KeepUpState, window: KeepUpWindow, bounds: KeepUpBounds): { state: KeepUpState; event?: KeepUpEvent } {
  const current = clamp(state.concurrency, bounds);
  const missed = missedRuns(window);
  if (missed > 0) {
    const slotsFull = window.peakInFlight >= current;
    const raised = slotsFull ? Math.min(bounds.max, current * 2) : current;
    const next = { concurrency: raised, behind: true };
    if (!state.behind) return { state: next, event: { kind: 'fell_behind', missed, from: current, to: raised } };
    return raised === current ? { state: next } : { state: next, event: { kind: 'raised', missed, from: current, to: raised } };
  }
  if (state.behind) return { state: { concurrency: current, behind: false }, event: { kind: 'caught_up', concurrency: current } };
  const idle = window.peakInFlight <= current * IDLE_SHARE;
  if (!idle || current <= bounds.min) return { state: { concurrency: current, behind: false } };
  const lowered = Math.max(bounds.min, current - Math.max(1, Math.ceil(bounds.min / 4)));
  return { state: { concurrency: lowered, behind: false }, event: { kind: 'lowered', from: current, to: lowered } };
}

function clamp(concurrency: number, bounds: KeepUpBounds): number {
  return Math.min(bounds.max, Math.max(bounds.min, concurrency));
}

/**
 * How late a run may start and still be on time, by this runner's clock against the
 * controller's due time: a second, plus whatever a poll cannot lease ahead (a run due just
 * after a poll whose lookahead is shorter than the interval waits for the next poll).
 */
export function lateThresholdMs(pollIntervalMs: number, lookaheadMs: number): number {
  return 1000 + Math.max(0, pollIntervalMs - lookaheadMs);
}

/** The load summary a runner sends on every request (LOAD_HEADER): `ok` or `behind`, and its concurrency. */
export function loadHeaderValue(state: KeepUpState): string {
  return `${state.behind ? 'behind' : 'ok'}; concurrency=${state.concurrency}`;
}
