import type { Mutation } from '@vigil/lifecycle';
import type { EvaluationLogger, EventRef, Note, Plan, PlanWriter, Step } from './plan';

/** The uuid of the event a step names, when it exists (an event opened by this plan has none until written). */
export type EventUuid = (ref: EventRef | null | undefined) => string | null;

const loadedUuid: EventUuid = (ref) => (ref != null && 'uuid' in ref ? ref.uuid : null);

/** Logs a note: both writers do, since a note is no write. */
export function logNote(logger: EvaluationLogger, note: Note, uuidOf: EventUuid): void {
  const fields = {
    ...note.fields,
    ...(note.suppressed === undefined ? {} : { suppressed: note.suppressed }),
    ...(note.event === undefined ? {} : { event: uuidOf(note.event) }),
  };
  logger[note.level](note.message, fields);
}

function wouldHave(t: Mutation) {
  return { kind: t.kind, reason: t.reason, state_after: t.stateAfter, severity_after: t.severityAfter, at: new Date(t.at).toISOString(), notification: t.notification };
}

function skipped(logger: EvaluationLogger, write: string, check: string, fields: Record<string, unknown>): void {
  logger.info('read-only: write skipped', { write, check, ...fields });
}

function logStep(logger: EvaluationLogger, step: Step): void {
  switch (step.kind) {
    case 'note':
      return logNote(logger, step, loadedUuid);
    case 'event':
      logger.info(step.log.skipped, { ...step.log.fields, suppressed: 'read_only', event: loadedUuid(step.on), would_have: wouldHave(step.mutation) });
      return;
    case 'cause_link':
      logger.info(step.log.skipped, { ...step.log.fields, suppressed: 'read_only', event: step.on.uuid });
      return;
    case 'strikes':
      return skipped(logger, 'location_states', step.check, { location: step.location, ...step.columns });
    case 'check_status':
      return skipped(logger, 'checks.status', step.check, {
        status: step.status,
        lastStatusChangeAt: step.lastStatusChangeAt,
        ...(step.lastCheckedAt === undefined ? {} : { lastCheckedAt: step.lastCheckedAt }),
      });
    case 'site_status':
      return skipped(logger, 'sites.status', step.check, {
        site_id: step.siteId,
        status: step.status,
        ...(step.lastCheckedAt === undefined ? {} : { lastCheckedAt: step.lastCheckedAt }),
        ...(step.lastStatusChangeAt === undefined ? {} : { lastStatusChangeAt: step.lastStatusChangeAt }),
      });
    case 'site_checked':
      return skipped(logger, 'sites.last_checked_at', step.check, { site_id: step.siteId, lastCheckedAt: step.lastCheckedAt });
    case 'results_evaluated':
      return skipped(logger, 'pending_results', step.check, { results: step.resultIds.length });
  }
}

/**
 * Read-only mode (`VIGIL_DB_WRITES=off`, invariant 8): every write of the plan, events, audit,
 * outbox and projections alike, becomes a log line saying what it would have been, in the
 * plan's order. It holds no database handle, so it cannot write.
 */
export function loggingWriter(logger: EvaluationLogger): PlanWriter {
  return {
    apply(plan: Plan) {
      for (const step of plan) logStep(logger, step);
      return Promise.resolve({ events: [] });
    },
  };
}
