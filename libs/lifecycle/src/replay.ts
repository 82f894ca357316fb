import { LifecycleError } from './errors';
import { TRANSITION_REASONS, type TransitionRecord } from './transition';
import { EVENT_SEVERITIES, EVENT_TYPES, RESOLUTION_REASONS, type EventState, type ResolutionReason } from './types';

const REASONS = new Set<string>(TRANSITION_REASONS);
const RESOLUTIONS = new Set<string>(RESOLUTION_REASONS);
const TYPES = new Set<string>(EVENT_TYPES);
const SEVERITIES = new Set<string>(EVENT_SEVERITIES);

function invalid(index: number, why: string): LifecycleError {
  return new LifecycleError('invalid_history', `transition ${index}: ${why}`);
}

/**
 * Rebuilds an event from its audit rows, oldest first (DESIGN invariant 10). Every row must
 * start from the state the previous rows left: the first opens the event, nothing follows a
 * close. Throws {@link LifecycleError} `invalid_history` for anything else, so a drifted
 * event row or a lost audit row is detected rather than silently believed.
 */
export function replayTransitions(records: readonly TransitionRecord[]): EventState {
  if (records.length === 0) throw new LifecycleError('invalid_history', 'an event has at least the transition that opened it');
  const first = records[0];
  check(first, 0);
  if (first.reason !== 'opened' || first.stateBefore !== null || first.severityBefore !== null) {
    throw invalid(0, `the first transition must open the event from nothing, got "${first.reason}"`);
  }
  let state: EventState = { type: first.stateAfter, severity: first.severityAfter, startedAt: first.at, endedAt: null, resolutionReason: null };
  for (let i = 1; i < records.length; i++) {
    const r = records[i];
    check(r, i);
    if (state.endedAt !== null) throw invalid(i, 'the event was already closed');
    if (r.stateBefore !== state.type || r.severityBefore !== state.severity) {
      throw invalid(i, `starts from ${r.stateBefore}/${r.severityBefore} but the event was ${state.type}/${state.severity}`);
    }
    if (r.reason === 'opened') throw invalid(i, 'an open event cannot be opened again');
    if (RESOLUTIONS.has(r.reason)) {
      if (r.stateAfter !== state.type || r.severityAfter !== state.severity) throw invalid(i, 'a close does not change state or severity');
      state = { ...state, endedAt: r.at, resolutionReason: r.reason as ResolutionReason };
    } else {
      state = { ...state, type: r.stateAfter, severity: r.severityAfter };
    }
  }
  return state;
}

function check(r: TransitionRecord, i: number): void {
  if (!REASONS.has(r.reason)) throw invalid(i, `unknown reason "${r.reason}"`);
  if (!TYPES.has(r.stateAfter) || !SEVERITIES.has(r.severityAfter)) {
    throw invalid(i, `unknown state or severity "${r.stateAfter}"/"${r.severityAfter}"`);
  }
  if (!Number.isFinite(r.at)) throw invalid(i, '"at" is not a time');
}
