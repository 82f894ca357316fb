import { type Check, Prisma, type SiteStatus, type VigilTransaction } from '@vigil/db';
import type { EvaluateCheckOptions } from './evaluate-check';
import type { StrikeColumns } from './location-row';
import { logSkipped } from './read-only';
import { projectSiteStatuses, siteFields, writeSiteStatuses } from './site-status';

/** The `checks` columns an evaluation sets. */
export interface CheckStatusColumns {
  readonly status: SiteStatus;
  readonly lastStatusChangeAt: Date | null;
  readonly lastCheckedAt: Date;
}

/** What evaluating one check leaves to write once its event changes are written. */
export interface CheckOutcome {
  // With the status it had before, to tell whether its site's status can have changed.
  readonly check: Pick<Check, 'id' | 'uuid' | 'status'>;
  readonly siteId: number;
  /** Its results evaluated, to mark. */
  readonly resultIds: readonly bigint[];
  /** The location states whose strikes changed. */
  readonly strikes: readonly { readonly id: number; readonly location: string; readonly columns: StrikeColumns }[];
  /** Null for a check that no longer counts (disabled, deleted): its results are only marked. */
  readonly status: CheckStatusColumns | null;
  readonly transitions: number;
}

const iso = (date: Date | null) => date?.toISOString() ?? null;
const json = (rows: readonly object[]) => JSON.stringify(rows);

/**
 * Writes the outcomes of a batch of checks in the caller's transaction, one statement per table
 * (strikes, check statuses, site statuses, evaluated marks), or in read-only mode logs each
 * check's writes, in the order it would have made them, instead.
 */
export async function writeOutcomes(tx: VigilTransaction, outcomes: readonly CheckOutcome[], options: EvaluateCheckOptions): Promise<void> {
  if (outcomes.length === 0) return;
  const counted = outcomes.flatMap((o) => (o.status === null ? [] : [{ ...o, status: o.status }]));
  const sites = await projectSiteStatuses(
    tx,
    counted.map((o) => ({
      siteId: o.siteId,
      checkId: o.check.id,
      checkStatus: o.status.status,
      at: o.status.lastCheckedAt,
      checked: true,
      statusChanged: o.status.status !== o.check.status,
    })),
  );

  if (options.readOnly) {
    const siteById = new Map(sites.map((s) => [s.siteId, s]));
    for (const o of outcomes) {
      for (const s of o.strikes) logSkipped(options.logger, o.check.uuid, 'location_states', { location: s.location, ...s.columns });
      const site = siteById.get(o.siteId);
      if (o.status !== null) logSkipped(options.logger, o.check.uuid, 'checks.status', { ...o.status });
      if (o.status !== null && site !== undefined) logSkipped(options.logger, o.check.uuid, 'sites.status', siteFields(site));
      logSkipped(options.logger, o.check.uuid, 'check_results.evaluated_at', { results: o.resultIds.length });
    }
    return;
  }

  const now = options.now().toISOString();
  const strikes = outcomes.flatMap((o) => o.strikes);
  if (strikes.length > 0) {
    const rows = strikes.map(({ id, columns: c }) => ({
      id,
      failing_strikes: c.failingStrikes,
      passing_strikes: c.passingStrikes,
      resolved: c.resolved,
      last_result_at: iso(c.lastResultAt),
      last_ok: c.lastOk,
    }));
    await tx.$executeRaw(Prisma.sql`
      UPDATE location_states ls SET failing_strikes = s.failing_strikes, passing_strikes = s.passing_strikes, resolved = s.resolved,
        last_result_at = s.last_result_at, last_ok = s.last_ok
      FROM jsonb_to_recordset(${json(rows)}::jsonb)
        AS s(id int, failing_strikes int, passing_strikes int, resolved boolean, last_result_at timestamptz, last_ok boolean)
      WHERE ls.id = s.id`);
  }
  if (counted.length > 0) {
    const rows = counted.map((o) => ({
      id: o.check.id,
      status: o.status.status,
      last_status_change_at: iso(o.status.lastStatusChangeAt),
      last_checked_at: iso(o.status.lastCheckedAt),
    }));
    // updated_at moves as it did when the row was written through Prisma (@updatedAt).
    await tx.$executeRaw(Prisma.sql`
      UPDATE checks c SET status = s.status::site_status, last_status_change_at = s.last_status_change_at,
        last_checked_at = s.last_checked_at, updated_at = ${now}::timestamptz
      FROM jsonb_to_recordset(${json(rows)}::jsonb) AS s(id int, status text, last_status_change_at timestamptz, last_checked_at timestamptz)
      WHERE c.id = s.id`);
  }
  await writeSiteStatuses(tx, sites);
  const marked = outcomes.flatMap((o) => o.resultIds.map(String));
  await tx.$executeRaw(Prisma.sql`UPDATE check_results SET evaluated_at = ${now}::timestamptz WHERE id = ANY(${marked}::bigint[])`);
}
