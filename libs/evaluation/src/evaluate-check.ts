import type { SiteEvent, SiteStatus, VigilTransaction } from '@vigil/db';
import {
  applyTransition as nextOpenEvent,
  decideCertificate,
  decideOutage,
  parseEventSeverity,
  parseEventType,
  type EventState,
  type Mutation,
  type Transition,
} from '@vigil/lifecycle';
import type { Logger } from '@vigil/logger';
import { createQuorumPolicy, evaluateQuorum, recordResult, type LocationState } from '@vigil/quorum';
import { applyTransition, type Observation, observationAudit } from './apply-transition';
import { inMaintenanceAt, loadChecks, type CheckContext } from './load-check';
import { toLocationState, toStrikeColumns, type StrikeColumns } from './location-row';
import { checkStatusOf } from './status-projection';
import { type CheckOutcome, writeOutcomes } from './write-outcomes';

export type EvaluationLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

export interface EvaluateCheckOptions {
  /** Compute and log, write nothing (`VIGIL_DB_WRITES=off`): the results stay unevaluated. */
  readonly readOnly: boolean;
  readonly logger: EvaluationLogger;
  /** A location silent for this many of the check's intervals is stale (counts neither way). */
  readonly staleAfterIntervals: number;
  /** The evaluator's clock, for `evaluated_at` (tests pin it). */
  readonly now: () => Date;
}

export interface CheckEvaluation {
  readonly results: number;
  readonly transitions: number;
}

function toEventState(row: SiteEvent): EventState {
  return {
    type: parseEventType(row.eventType),
    severity: parseEventSeverity(row.severity),
    startedAt: row.startedAt.getTime(),
    endedAt: null,
    resolutionReason: null,
  };
}

/**
 * Evaluates the pending results of one check whose row the caller's transaction has locked:
 * strikes per location, the quorum verdict and the event's transition after each result, then
 * the event writes, audit, outbox, status projections and evaluated marks, all in that transaction.
 */
export function evaluateCheck(tx: VigilTransaction, checkId: number, options: EvaluateCheckOptions): Promise<CheckEvaluation> {
  return evaluateChecks(tx, [checkId], options);
}

/**
 * Evaluates the pending results of checks whose rows the caller's transaction has locked, each
 * as {@link evaluateCheck} does, all in that transaction: their contexts are read with a few
 * queries for the whole batch, the event changes are written as they happen (each needs the
 * last one's event), and the rest (strikes, check and site statuses, evaluated marks) with one
 * statement per table at the end.
 */
export async function evaluateChecks(tx: VigilTransaction, checkIds: readonly number[], options: EvaluateCheckOptions): Promise<CheckEvaluation> {
  const contexts = await loadChecks(tx, checkIds);
  const outcomes: CheckOutcome[] = [];
  for (const ctx of contexts) {
    if (ctx.results.length > 0) outcomes.push(await evaluateContext(tx, ctx, options));
  }
  await writeOutcomes(tx, outcomes, options);
  return {
    results: outcomes.reduce((n, o) => n + o.resultIds.length, 0),
    transitions: outcomes.reduce((n, o) => n + o.transitions, 0),
  };
}

async function evaluateContext(tx: VigilTransaction, ctx: CheckContext, options: EvaluateCheckOptions): Promise<CheckOutcome> {
  const { check } = ctx;
  const resultIds = ctx.results.map((r) => r.id);
  // Disabled and deleted checks are closed by their own step; their late results are only marked.
  if (!check.enabled || check.deletedAt !== null || ctx.states.length === 0) {
    return { check, siteId: ctx.siteId, resultIds, strikes: [], status: null, transitions: 0 };
  }

  const policy = createQuorumPolicy({
    locations: ctx.states.map((s) => s.location),
    failingThreshold: check.failingThreshold,
    passingThreshold: check.passingThreshold,
    failingLocationsThreshold: check.failingLocationsThreshold,
    staleAfterMs: options.staleAfterIntervals * check.intervalS * 1000,
  });
  const columns = new Map<string, StrikeColumns>(ctx.states.map((s) => [s.location, s]));
  const states = new Map<string, LocationState>(ctx.states.map((s) => [s.location, toLocationState(s.location, s)]));
  const notifySeemsDown = ctx.channels.some((c) => c.notifyOnSeemsDown);
  let eventRow = ctx.openEvent;
  const certificate = check.type === 'tls_cert';
  let event = eventRow === null ? null : toEventState(eventRow);
  let status: SiteStatus = check.status;
  let statusChangedAt = check.lastStatusChangeAt;
  let transitions = 0;

  for (const result of ctx.results) {
    const previous = columns.get(result.location);
    const state = states.get(result.location);
    if (previous === undefined || state === undefined) {
      options.logger.warn('result from a location the check has no state for: not counted', { check: check.uuid, location: result.location });
      continue;
    }
    const at = result.checkedAt.getTime();
    const next = recordResult(policy, state, result.ok, at);
    states.set(result.location, next);
    columns.set(result.location, toStrikeColumns(next, previous, result.ok, at));

    const all = [...states.values()];
    const verdict = evaluateQuorum(policy, all, at);
    const inMaintenance = inMaintenanceAt(ctx.windows, result.checkedAt);
    const lifecycle = { now: at, inMaintenance, readOnly: options.readOnly, notifySeemsDown };
    const transition = certificate ? decideCertificate(event, certificateExpiry(result.details), lifecycle) : decideOutage(event, verdict, lifecycle);
    const observation: Observation = {
      location: result.location,
      statusCode: result.statusCode,
      errorCode: result.errorCode,
      error: result.error,
      failingLocations: all.filter((s) => s.failing).map((s) => s.location),
    };
    logOpening(options.logger, check.uuid, result.location, eventRow, transition);

    if (transition.kind === 'open' || transition.kind === 'upgrade' || transition.kind === 'close') {
      const cause = transition.kind === 'open' ? causeOf(ctx, [result.location, ...observation.failingLocations]) : null;
      const written = await applyTransition(tx, { ...targetOf(ctx, eventRow), causeEventId: cause }, transition, observationAudit(observation));
      transitions++;
      if (transition.kind === 'open') logInserted(options.logger, check.uuid, result.location, written.event, transition);
      eventRow = written.event;
      event = nextOpenEvent(event, transition);
    } else if (transition.kind === 'suppress' && transition.wouldHave !== null) {
      logWouldHave(options.logger, check.uuid, result.location, eventRow, transition.wouldHave);
      // Read-only mode follows the events it would have written, so the log tells the whole story.
      event = nextOpenEvent(event, transition.wouldHave);
    }

    const nextStatus = checkStatusOf(event, inMaintenance, verdict, certificate);
    if (nextStatus !== status) {
      status = nextStatus;
      statusChangedAt = result.checkedAt;
    }
  }

  const strikes = ctx.states.flatMap((before) => {
    const after = columns.get(before.location);
    return after === undefined || sameStrikes(before, after) ? [] : [{ id: before.id, location: before.location, columns: after }];
  });
  const lastCheckedAt = ctx.results[ctx.results.length - 1].checkedAt;
  return {
    check,
    siteId: ctx.siteId,
    resultIds,
    strikes,
    status: {
      status,
      lastStatusChangeAt: statusChangedAt,
      lastCheckedAt: check.lastCheckedAt !== null && check.lastCheckedAt > lastCheckedAt ? check.lastCheckedAt : lastCheckedAt,
    },
    transitions,
  };
}

/** When the observed certificate expires (the tls_cert probe's `details.valid_to`), or null when it could not be read. */
function certificateExpiry(details: unknown): number | null {
  const validTo = (details as { valid_to?: unknown } | null)?.valid_to;
  const at = typeof validTo === 'string' ? Date.parse(validTo) : Number.NaN;
  return Number.isFinite(at) ? at : null;
}

function sameStrikes(a: StrikeColumns, b: StrikeColumns): boolean {
  return (
    a.failingStrikes === b.failingStrikes &&
    a.passingStrikes === b.passingStrikes &&
    a.resolved === b.resolved &&
    a.lastOk === b.lastOk &&
    (a.lastResultAt?.getTime() ?? null) === (b.lastResultAt?.getTime() ?? null)
  );
}

/**
 * An outage opened from a location whose runner is offline was caused by that: its results are
 * late ones (replayed from its spool), taken while it could reach neither the controller nor,
 * most likely, the endpoint.
 */
function causeOf(ctx: CheckContext, locations: readonly string[]): bigint | null {
  for (const location of locations) {
    const offline = ctx.runnersOffline.get(location);
    if (offline !== undefined) return offline;
  }
  return null;
}

function targetOf(ctx: CheckContext, event: SiteEvent | null) {
  return {
    siteId: ctx.siteId,
    checkId: ctx.check.id,
    endpointId: ctx.check.endpointId,
    checkType: ctx.check.type,
    event,
    channels: ctx.channels,
  };
}

/**
 * Invariant 9: every opening says whether it inserted or why it did not. "Already open" comes
 * with every failing result for as long as an outage lasts, so it is a debug line.
 */
function logOpening(logger: EvaluationLogger, check: string, location: string, open: SiteEvent | null, t: Transition): void {
  if (t.kind !== 'suppress' || t.why === 'read_only') return;
  if (t.why === 'in_maintenance') logger.info('event not opened: in maintenance', { check, location, suppressed: 'in_maintenance', event: null });
  else logger.debug('event not opened: one is already open', { check, location, suppressed: 'already_open', event: open?.uuid ?? null });
}

function logInserted(logger: EvaluationLogger, check: string, location: string, event: SiteEvent | null, t: Mutation): void {
  logger.info('event opened', { check, location, inserted: true, event: event?.uuid ?? null, event_type: t.stateAfter, severity: t.severityAfter });
}

function logWouldHave(logger: EvaluationLogger, check: string, location: string, open: SiteEvent | null, t: Mutation): void {
  logger.info(`read-only: ${t.kind} skipped`, {
    check,
    location,
    suppressed: 'read_only',
    event: open?.uuid ?? null,
    would_have: { kind: t.kind, reason: t.reason, state_after: t.stateAfter, severity_after: t.severityAfter, at: new Date(t.at).toISOString(), notification: t.notification },
  });
}
