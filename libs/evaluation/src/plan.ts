import type { CheckType, Prisma, SiteStatus } from '@vigil/db';
import type { Mutation, SuppressReason } from '@vigil/lifecycle';
import type { Logger } from '@vigil/logger';
import type { StrikeColumns } from './location-row';

/*
 * The evaluator decides, then writes: pure planners turn what was loaded into a Plan, a list of
 * the writes it calls for, and a writer applies it. The database writer applies it in the
 * caller's transaction; read-only mode (`VIGIL_DB_WRITES=off`, DESIGN invariant 8) is the logging
 * writer, which writes nothing and logs each step. A decision never knows which writer runs.
 */

export type EvaluationLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

/**
 * The open event a change applies to: one that was loaded, or one an earlier step of the same
 * plan opens (named by that step's `key`; its id exists only once the step is written).
 */
export type EventRef = { readonly id: bigint; readonly uuid: string } | { readonly opened: string };

/** The site an event belongs to; the runners' site is made when its first event is written. */
export type SiteRef = { readonly id: number } | { readonly create: { readonly slug: string; readonly name: string } };

/** Who caused a transition and what it saw: `location:<slug>` with its result, or `system` with its reason. */
export interface Audit {
  readonly source: string;
  readonly metadata: Prisma.InputJsonObject;
}

/** A line a step leaves in the log: its fields, and for a written change, the line it earns. */
export interface StepLog {
  /** Every line about the step carries these (check, location, runner…). */
  readonly fields: Readonly<Record<string, unknown>>;
  /** Logged once the change is written (most changes are not worth a line). */
  readonly written?: { readonly level: 'info' | 'warn'; readonly message: string; readonly fields?: Readonly<Record<string, unknown>> };
  /** What read-only mode logs instead of writing it. */
  readonly skipped: string;
}

/**
 * Open, change or close an event, with its audit row (`event_transitions`) and an outbox row
 * (`notifications`) per channel in `notify`, as one write (invariants 6 and 10).
 */
export interface EventChange {
  readonly kind: 'event';
  readonly mutation: Mutation;
  readonly site: SiteRef;
  /** Null for a location-wide event (runner_offline), which names its `location` instead. */
  readonly checkId: number | null;
  readonly endpointId: number | null;
  readonly checkType: CheckType | null;
  readonly location: string | null;
  /** For an open: the event that caused this one (a location's open runner_offline). */
  readonly causeEventId: bigint | null;
  /** The open event changed; null for an open. */
  readonly on: EventRef | null;
  /** For an open: the name later steps of the plan use for the event it makes. */
  readonly key: string | null;
  readonly audit: Audit;
  /** The channels told about it: none when the mutation notifies nobody. */
  readonly notify: readonly number[];
  readonly log: StepLog;
}

/**
 * Name the cause of an open event after the fact (`cause_event_id`, only if it has none), with a
 * `cause_linked` audit row: state and severity stay, nobody is notified. An outage relying on a
 * location whose runner_offline opens now.
 */
export interface CauseLink {
  readonly kind: 'cause_link';
  /** The open event that gets its cause. */
  readonly on: { readonly id: bigint; readonly uuid: string };
  /** The cause: an event this plan opens (or a loaded one). */
  readonly cause: EventRef;
  readonly at: Date;
  readonly audit: Audit;
  readonly log: StepLog;
}

/** Not a write: an opening that did not happen and why (invariant 9), or a result that was not counted. */
export interface Note {
  readonly kind: 'note';
  readonly level: 'debug' | 'info' | 'warn';
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>>;
  /** Why an opening was suppressed, logged as `suppressed`. */
  readonly suppressed?: SuppressReason;
  /** The open event the note is about, logged as `event` (its uuid, or null). */
  readonly event?: EventRef | null;
}

/** A location's strikes after the check's results (`location_states`). */
export interface StrikesUpdate {
  readonly kind: 'strikes';
  readonly check: string;
  /** With location, the state's key. */
  readonly checkId: number;
  readonly location: string;
  readonly columns: StrikeColumns;
  /** `freshUntilMs` of the new columns (`location_states.fresh_until`), which the freshness sweep reads through its index. */
  readonly freshUntil: Date | null;
  /**
   * The runs of this location's results evaluated here. If one is still the location's leased run,
   * its lease is over: `leased_until` is cleared, so the next lease need not look its result up.
   */
  readonly runIds: readonly string[];
}

/** A check's status projection (`checks.status`). */
export interface CheckStatusUpdate {
  readonly kind: 'check_status';
  readonly check: string;
  readonly checkId: number;
  readonly status: SiteStatus;
  readonly lastStatusChangeAt: Date | null;
  /** Absent for an administrative change (disabled, deleted), which is no new result. */
  readonly lastCheckedAt?: Date;
}

/** A site's status projection (`sites.status`): the worst of its checks'. */
export interface SiteStatusUpdate {
  readonly kind: 'site_status';
  /** The check whose change led to it (for the log). */
  readonly check: string;
  readonly siteId: number;
  readonly status: SiteStatus;
  readonly lastCheckedAt?: Date;
  readonly lastStatusChangeAt?: Date;
}

/**
 * A site's latest result moves (`sites.last_checked_at`, only forward), its status kept: none of
 * the batch's checks changed status, so neither did the worst of them, and the site is not read
 * first. Its row is locked as it is written, in id order with the others (ADR 0002).
 */
export interface SiteCheckedUpdate {
  readonly kind: 'site_checked';
  /** The check whose result it is (for the log). */
  readonly check: string;
  readonly siteId: number;
  readonly lastCheckedAt: Date;
}

/** Results evaluated, taken off the queue (`pending_results`): read-only mode leaves them pending. */
export interface ResultsEvaluated {
  readonly kind: 'results_evaluated';
  readonly check: string;
  readonly checkId: number;
  readonly resultIds: readonly bigint[];
}

export type Step = EventChange | CauseLink | Note | StrikesUpdate | CheckStatusUpdate | SiteStatusUpdate | SiteCheckedUpdate | ResultsEvaluated;

/**
 * The writes one step of the evaluator calls for, in order: event changes and notes first, each
 * may name an event an earlier one opened; then the projections, which depend on no order.
 */
export type Plan = readonly Step[];

/** What applying a plan did. */
export interface Applied {
  /** The event changes written, each with its audit row: none for the logging writer. */
  readonly events: readonly EventChange[];
}

/** Applies a plan: the database writer, or read-only mode's logging writer. */
export interface PlanWriter {
  apply(plan: Plan): Promise<Applied>;
}
