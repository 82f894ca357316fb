import type { RejectReason, ReportedResult, ReportItemOutcome, ReportOutcome } from '@vigil/contracts';
import type { Logger } from '@vigil/logger';
import type { AgentMetrics } from './agent-metrics';
import { type Backoff, createBackoff } from './backoff';
import { type ControllerLink, LinkError } from './link/controller-link';
import { type Spool, SpoolWriteError } from './spool';

export interface ReporterOptions {
  link: ControllerLink;
  spool: Spool;
  logger: Logger;
  metrics: AgentMetrics;
  /** Most results in one report (the controller takes 500). */
  batchSize: number;
  /** How long a passing result waits for others to share its report (a failure does not wait). */
  delayMs: number;
  backoff?: Backoff;
}

type Delivery = 'delivered' | 'retry';

/** A conclusive failure: what an alert waits on. An inconclusive one moves no strike, and can wait like a pass. */
const isFailure = (result: ReportedResult): boolean => !result.ok && result.inconclusive !== true;

type Standing = 'failed' | 'degraded';

/** What a conclusive result says of its check: failed, degraded or passing; an inconclusive one says nothing (undefined). */
function standingOf(result: ReportedResult): Standing | 'passing' | undefined {
  if (isFailure(result)) return 'failed';
  if (!result.ok) return undefined;
  return result.degraded === true ? 'degraded' : 'passing';
}

/**
 * Sends results in batches, one report at a time, in the order they came. A batch goes once
 * it is full or its first result has waited `delayMs`, or at once when it holds a failure or a
 * result that changed its check's standing (a recovery, a degradation): a (conclusive) failure
 * is what an alert waits on, a recovery what its notice waits on, and passes after passes can
 * wait to share a report. While the
 * controller cannot take them (unreachable, 5xx, 429, or a refused token), they go to the
 * spool, and once it answers again the spool is replayed from its oldest result before
 * anything newer: a new batch goes to the spool too while the spool is not empty.
 */
export class Reporter {
  private pending: ReportedResult[] = [];
  private firstPendingAt = 0;
  /** Whether `pending` holds an urgent result (a failure, a change of standing), which is sent without waiting for the delay. */
  private pendingFailure = false;
  /**
   * The checks whose last conclusive result here failed or was degraded. A result that changes
   * that (a recovery, a degradation) is sent at once like a failure: what a recovery notice or a
   * degraded state waits on must not wait for the delay; only a pass after a pass does.
   */
  private readonly notPassing = new Map<string, Standing>();
  /** The results that go without waiting: failures, and those that changed their check's standing. */
  private readonly urgent = new WeakSet<ReportedResult>();
  private pumping: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = 0;
  private retryAt = 0;
  private readonly backoff: Backoff;
  private stopped = false;

  constructor(private readonly options: ReporterOptions) {
    this.backoff = options.backoff ?? createBackoff({ initialMs: 1000, maxMs: 60_000 });
    // Results spooled before a restart go first.
    if (options.spool.size() > 0) this.wakeAt(0);
  }

  /** Results held in memory or in the spool, not yet answered for by the controller. */
  get backlog(): number {
    return this.pending.length + this.options.spool.size();
  }

  /** Whether the controller is taking reports (nothing waits to be retried). */
  get caughtUp(): boolean {
    return this.options.spool.size() === 0 && Date.now() >= this.retryAt;
  }

  add(result: ReportedResult): void {
    if (this.pending.length === 0) this.firstPendingAt = Date.now();
    this.pending.push(result);
    if (this.changesStanding(result)) {
      this.urgent.add(result);
      this.pendingFailure = true;
    }
    if (this.pending.length >= this.options.batchSize || this.pendingFailure) void this.kick();
    else this.wakeAt(this.firstPendingAt + this.options.delayMs);
  }

  /** Whether `result` is a failure, or changes what its check's last conclusive result said; records what it says. */
  private changesStanding(result: ReportedResult): boolean {
    const standing = standingOf(result);
    if (standing === undefined) return false;
    // The usual case, a pass while no check here fails: nothing to look up.
    if (standing === 'passing' && this.notPassing.size === 0) return false;
    const before = this.notPassing.get(result.check_id) ?? 'passing';
    if (standing === 'passing') this.notPassing.delete(result.check_id);
    else this.notPassing.set(result.check_id, standing);
    return standing === 'failed' || standing !== before;
  }

  /**
   * Sends (or spools) everything held in memory now, whatever the delay, and replays the
   * spool unless a retry is waiting; resolves when done.
   */
  async flush(): Promise<void> {
    while (this.pumping || this.pending.length > 0) await (this.pumping ?? this.kick(true));
    if (!this.stopped && this.options.spool.size() > 0 && Date.now() >= this.retryAt) await this.kick(true);
  }

  /**
   * The last flush: what the controller does not take at once goes to the spool, for the
   * next start. The spool is not replayed and no retry is waited for.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.retryAt = 0;
    await this.flush();
  }

  private kick(everything = false): Promise<void> {
    this.pumping ??= this.pump(everything).finally(() => {
      this.pumping = undefined;
      // A result added after the pump's last look, while it was ending, was handed this promise
      // and armed no timer: a failure or a recovery would have waited for the next result.
      if (!this.stopped && this.pendingDue(false)) void this.kick();
    });
    return this.pumping;
  }

  private wakeAt(at: number): void {
    if (this.stopped) return;
    // Every result of a batch asks for its first one's deadline: re-arming a timer per result costs more than the rest of add().
    if (this.timer !== undefined && this.timerAt === at) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.kick();
    }, Math.max(0, at - Date.now()));
    this.timer.unref();
  }

  private pendingDue(everything: boolean): boolean {
    if (this.pending.length === 0) return false;
    return (
      everything ||
      this.pendingFailure ||
      this.pending.length >= this.options.batchSize ||
      Date.now() >= this.firstPendingAt + this.options.delayMs
    );
  }

  private async pump(everything: boolean): Promise<void> {
    const { spool, batchSize } = this.options;
    for (;;) {
      if (this.pendingDue(everything)) {
        const batch = this.pending.splice(0, batchSize);
        if (this.pending.length > 0) this.firstPendingAt = Date.now();
        this.pendingFailure = this.pending.some((result) => this.urgent.has(result));
        if (spool.size() === 0 && Date.now() >= this.retryAt && (await this.deliver(batch)) === 'delivered') continue;
        await this.toSpool(batch);
        continue;
      }
      if (spool.size() > 0 && Date.now() >= this.retryAt && !this.stopped) {
        const batch = await spool.peek(batchSize);
        if ((await this.deliver(batch)) === 'retry') continue;
        await spool.remove(batch.length);
        continue;
      }
      break;
    }
    if (this.pending.length > 0) this.wakeAt(this.firstPendingAt + this.options.delayMs);
    else if (spool.size() > 0) this.wakeAt(this.retryAt);
  }

  private async toSpool(batch: ReportedResult[]): Promise<void> {
    try {
      const kept = await this.options.spool.append(batch);
      if (kept < batch.length) this.options.metrics.resultsDropped.inc({ reason: 'spool_full' }, batch.length - kept);
    } catch (error) {
      // The spool logged it (once while it lasts); the runner goes on probing and reporting.
      if (!(error instanceof SpoolWriteError)) throw error;
      this.options.metrics.resultsDropped.inc({ reason: 'spool_unwritable' }, batch.length - error.kept);
    }
  }

  /** One report; a batch the controller refuses as a whole is split to find the result it cannot take. */
  private async deliver(batch: readonly ReportedResult[]): Promise<Delivery> {
    const { link, logger, metrics } = this.options;
    try {
      this.countOutcomes(await link.report(batch));
      if (this.backoff.attempts > 0) logger.info('the controller takes reports again', { attempts: this.backoff.attempts });
      this.backoff.reset();
      this.retryAt = 0;
      return 'delivered';
    } catch (error) {
      if (!(error instanceof LinkError)) throw error;
      if (error.failure === 'refused') {
        if (batch.length > 1) {
          const half = Math.ceil(batch.length / 2);
          const first = await this.deliver(batch.slice(0, half));
          // The halves go on even if one must wait: the spool keeps the order of whole batches only.
          return first === 'retry' ? 'retry' : this.deliver(batch.slice(half));
        }
        const [result] = batch;
        logger.error(`the controller refused a result; it is dropped: ${error.message}`, {
          check_id: result?.check_id,
          run_id: result?.run_id,
        });
        metrics.resultsDropped.inc({ reason: 'refused' });
        return 'delivered';
      }
      const waitMs = Math.max(error.retryAfterMs ?? 0, this.backoff.next());
      this.retryAt = Date.now() + waitMs;
      const line = `reports are kept in the spool and retried in ${Math.round(waitMs / 1000)} s: ${error.message}`;
      const fields = { failure: error.failure, spooled: this.options.spool.size() + batch.length };
      if (error.failure === 'unauthorized') logger.error(line, fields);
      else logger.warn(line, fields);
      return 'retry';
    }
  }

  private countOutcomes(outcomes: readonly ReportItemOutcome[]): void {
    const counted = new Map<ReportOutcome, number>();
    const rejected = new Map<RejectReason, number>();
    for (const { outcome, reason } of outcomes) {
      counted.set(outcome, (counted.get(outcome) ?? 0) + 1);
      if (reason) rejected.set(reason, (rejected.get(reason) ?? 0) + 1);
    }
    // One increment per outcome, not per result: prom-client hashes the labels of each.
    for (const [outcome, n] of counted) this.options.metrics.resultsReported.inc({ outcome }, n);
    // Not an error of the runner's: a check deleted meanwhile, or a lease that ran out while it probed.
    if (rejected.size > 0) this.options.logger.info('the controller rejected some results', Object.fromEntries(rejected));
  }
}
