import type { Check, SiteStatus } from '@vigil/db';
import { createQuorumPolicy, evaluateQuorum, freshForMs, type QuorumPolicy, type QuorumVerdict } from '@vigil/quorum';
import type { SiteProjection } from './load-sites';
import { toLocationState, type StrikeColumns } from './location-row';
import type { CheckStatusUpdate, EventChange } from './plan';
import { planUnknownSpell } from './plan-unknown';
import { checkStatusOf } from './status-projection';

/**
 * A check the freshness sweep looks at: enabled, neither unknown nor paused, no open outage,
 * certificate event or unknown spell, no pending result, and some location of which was silent
 * for two of its intervals or is inconclusive (the SQL's cheap superset of "not fresh").
 */
export interface FreshnessCandidate {
  readonly check: Pick<
    Check,
    'id' | 'uuid' | 'endpointId' | 'type' | 'intervalS' | 'timeoutMs' | 'failingThreshold' | 'passingThreshold' | 'failingLocationsThreshold' | 'status'
  >;
  readonly siteId: number;
  readonly states: readonly (StrikeColumns & { readonly location: string })[];
}

/** The candidate's policy, with the shared freshness rule. Throws `QuorumConfigError` for a bad setting. */
function policyOf(candidate: FreshnessCandidate): QuorumPolicy {
  const { check } = candidate;
  return createQuorumPolicy({
    locations: candidate.states.map((s) => s.location),
    failingThreshold: check.failingThreshold,
    passingThreshold: check.passingThreshold,
    failingLocationsThreshold: check.failingLocationsThreshold,
    staleAfterMs: freshForMs(check),
  });
}

/** The quorum verdict of a candidate at `at`: no result arrived, only time went by. */
export function verdictAt(candidate: FreshnessCandidate, at: Date): QuorumVerdict {
  return evaluateQuorum(
    policyOf(candidate),
    candidate.states.map((s) => toLocationState(s.location, s)),
    at.getTime(),
  );
}

/** Whether time alone made the candidate's quorum unreachable at `at` (pure; what the sweep locks a check for). */
export function wentUnknown(candidate: FreshnessCandidate, at: Date): boolean {
  return candidate.states.length > 0 && verdictAt(candidate, at).status === 'unknown';
}

/** What the sweep read, with the check's row locked, besides the candidate. */
export interface FreshnessContext {
  readonly candidate: FreshnessCandidate;
  /** Whether `at` falls in a maintenance window of the check or its site. */
  readonly inMaintenance: boolean;
  /** Open runner_offline events by location. */
  readonly runnersOffline: ReadonlyMap<string, bigint>;
}

/** A check the sweep turns unknown: the spell opened, the status, and its site's change. */
export interface FreshnessPlan {
  readonly events: readonly EventChange[];
  readonly status: CheckStatusUpdate;
  readonly site: SiteProjection;
}

/**
 * The freshness sweep's plan for one check (pure): when its fresh, conclusive locations fell
 * below the quorum with no result to say so, it shows `unknown` and its unknown spell opens.
 * Null when nothing changes (the status it would show is the one it has, or maintenance rules).
 */
export function planFreshness(ctx: FreshnessContext, at: Date): FreshnessPlan | null {
  const { candidate } = ctx;
  const { check } = candidate;
  if (candidate.states.length === 0) return null;
  const policy = policyOf(candidate);
  const states = candidate.states.map((s) => toLocationState(s.location, s));
  const verdict = evaluateQuorum(policy, states, at.getTime());
  if (verdict.status !== 'unknown' || check.status === 'unknown') return null;
  const status: SiteStatus = checkStatusOf(null, ctx.inMaintenance, verdict, check.type === 'tls_cert');
  if (status !== 'unknown') return null;
  const change = planUnknownSpell(
    { state: null, ref: null },
    {
      check,
      siteId: candidate.siteId,
      policy,
      states,
      runnersOffline: ctx.runnersOffline,
      statusBefore: check.status,
      statusAfter: status,
      at: at.getTime(),
      source: 'system',
      key: `${check.uuid}:unknown`,
    },
  );
  return {
    events: change === null ? [] : [change],
    status: { kind: 'check_status', check: check.uuid, checkId: check.id, status, lastStatusChangeAt: at },
    site: { siteId: candidate.siteId, checkId: check.id, check: check.uuid, checkStatus: status, at, checked: false, statusChanged: true },
  };
}
