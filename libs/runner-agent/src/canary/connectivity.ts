import type { RunnerConnectivity } from '@vigil/contracts';

/** Who a canary is: the controller this runner reports to, or a target from VIGIL_RUNNER_CANARIES. */
export type CanaryRole = 'controller' | 'target';

/** One canary's answer in one round. */
export interface CanaryOutcome {
  /** `controller`, or the target as configured (a URL or host:port). */
  name: string;
  role: CanaryRole;
  ok: boolean;
  /** Why it failed, for the log line. */
  error?: string;
}

/**
 * The rule: a round fails when every canary that is evidence failed, where the evidence is
 * the configured targets when there are any, else the controller.
 *
 * - With targets, the controller does not vote: the controller failing alone means this
 *   runner cannot report anyway (its results wait in the spool), and its network is fine as
 *   long as the targets answer. All targets must fail, not any: one canary down is more likely
 *   that canary's outage than this runner's, and operators pick several to say so.
 * - Without targets, the controller is all the runner knows of its network: when it cannot
 *   reach it, it cannot tell its own network's fault from the controller's, so it doubts itself.
 *
 * Any answer counts as passing (an HTTP 503 crossed the network); only no answer fails.
 */
export function roundPassed(outcomes: readonly CanaryOutcome[]): boolean {
  const targets = outcomes.filter((outcome) => outcome.role === 'target');
  const evidence = targets.length > 0 ? targets : outcomes;
  return evidence.length === 0 || evidence.some((outcome) => outcome.ok);
}

export interface Hysteresis {
  /** Failed rounds in a row that turn `ok` into `impaired`. */
  impairedAfter: number;
  /** Passed rounds in a row that turn `impaired` back into `ok`. */
  okAfter: number;
}

/**
 * Two failed rounds to doubt (the second comes soon after the first, see CONFIRM_DELAY_MS),
 * three passed rounds to trust again: one lost packet does not flap the state, and a network
 * that comes and goes stays in doubt until it has held for a while.
 */
export const DEFAULT_HYSTERESIS: Hysteresis = { impairedAfter: 2, okAfter: 3 };

export interface ConnectivityState {
  connectivity: RunnerConnectivity;
  /** Rounds in a row that disagree with `connectivity`: failed while ok, passed while impaired. */
  against: number;
}

/** A runner trusts its network until its canaries say otherwise. */
export const INITIAL_CONNECTIVITY: ConnectivityState = { connectivity: 'ok', against: 0 };

/** The state after one more round. */
export function nextConnectivity(state: ConnectivityState, passed: boolean, hysteresis: Hysteresis = DEFAULT_HYSTERESIS): ConnectivityState {
  const agrees = passed === (state.connectivity === 'ok');
  if (agrees) return { connectivity: state.connectivity, against: 0 };
  const against = state.against + 1;
  const needed = state.connectivity === 'ok' ? hysteresis.impairedAfter : hysteresis.okAfter;
  if (against < needed) return { connectivity: state.connectivity, against };
  return { connectivity: state.connectivity === 'ok' ? 'impaired' : 'ok', against: 0 };
}
