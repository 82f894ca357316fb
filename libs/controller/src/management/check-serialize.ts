import type { getCheck, listCheckLocations, listCheckResults, ResponseOf } from '@vigil/contracts';
import type { Check, CheckResult, Prisma } from '@vigil/db';
import { checkSealer, maskCheckSpec, maskTarget, type SecretKeyring } from '@vigil/secrets';

export type CheckJson = ResponseOf<typeof getCheck>;
export type CheckLocationJson = ResponseOf<typeof listCheckLocations>['data'][number];
export type CheckResultJson = ResponseOf<typeof listCheckResults>['data'][number];

/** What a check is read with: its target, its site's id and the locations it has states for. */
export const CHECK_RELATIONS = {
  endpoint: { select: { target: true, siteId: true, site: { select: { uuid: true } } } },
  locationStates: { select: { location: true } },
} as const satisfies Prisma.CheckInclude;

export type CheckWithRelations = Check & {
  endpoint: { target: string; siteId: number; site: { uuid: string } };
  locationStates: Array<{ location: string }>;
};

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

/** Stored as text: `"2"` for a count, `"66%"` for a percent. */
export function storedLocationsThreshold(value: number | string): string {
  return String(value);
}

/** A count is answered as a number, a percent as its string. */
export function locationsThresholdJson(stored: string): number | string {
  return stored.endsWith('%') ? stored : Number(stored);
}

export function checkJson(check: CheckWithRelations, secretKeys: SecretKeyring): CheckJson {
  return {
    id: check.uuid,
    site_id: check.endpoint.site.uuid,
    name: check.name,
    type: check.type,
    // Credentials in the target (userinfo) and the spec (secret headers) are answered masked, to every key.
    target: maskTarget(check.endpoint.target),
    // Stored already parsed by the type's spec schema, defaults filled in.
    spec: maskCheckSpec(check.type, checkSealer(secretKeys, check.type).open(check.spec)),
    interval_s: check.intervalS,
    down_interval_s: check.downIntervalS,
    timeout_ms: check.timeoutMs,
    degraded_latency_ms: check.degradedLatencyMs,
    locations: check.locations,
    // Sorted here, not by the database's collation, so every database answers the same order.
    effective_locations: check.locationStates.map((state) => state.location).sort(),
    failing_threshold: check.failingThreshold,
    passing_threshold: check.passingThreshold,
    failing_locations_threshold: locationsThresholdJson(check.failingLocationsThreshold),
    enabled: check.enabled,
    export_metrics: check.exportMetrics,
    status: check.status,
    last_checked_at: iso(check.lastCheckedAt),
    created_at: check.createdAt.toISOString(),
    updated_at: check.updatedAt.toISOString(),
  } as CheckJson;
}

/** One row of the locations query: a location state and the newest result from it. */
export interface LocationStateRow {
  location: string;
  failing_strikes: number;
  passing_strikes: number;
  resolved: boolean;
  next_due_at: Date;
  leased: boolean;
  /** As the evaluator counted it: the newest result it has seen from the location. */
  last_result_at: Date | null;
  last_inconclusive: boolean;
  ok: boolean | null;
  degraded: boolean | null;
  inconclusive: boolean | null;
  status_code: number | null;
  latency_ms: number | null;
  error_code: string | null;
  error: string | null;
  checked_at: Date | null;
}

/**
 * Whether a location counts for the quorum at `now`: its latest result conclusive and no
 * older than `freshMs` (`freshForMs` of the check, the evaluator's one rule).
 */
export function isLocationFresh(row: Pick<LocationStateRow, 'last_result_at' | 'last_inconclusive'>, freshMs: number, now: number): boolean {
  return row.last_result_at !== null && !row.last_inconclusive && now - row.last_result_at.getTime() <= freshMs;
}

export function checkLocationJson(row: LocationStateRow, failingThreshold: number, freshMs: number, now: number): CheckLocationJson {
  return {
    location: row.location,
    failing_strikes: row.failing_strikes,
    passing_strikes: row.passing_strikes,
    failing: row.failing_strikes >= failingThreshold,
    resolved: row.resolved,
    next_due_at: row.next_due_at.toISOString(),
    leased: row.leased,
    last_result:
      row.checked_at === null || row.ok === null
        ? null
        : {
            ok: row.ok,
            degraded: row.degraded ?? false,
            inconclusive: row.inconclusive ?? false,
            status_code: row.status_code,
            latency_ms: row.latency_ms,
            error_code: row.error_code,
            error: row.error,
            checked_at: row.checked_at.toISOString(),
          },
    fresh: isLocationFresh(row, freshMs, now),
    inconclusive: row.last_inconclusive,
  };
}

export function checkResultJson(result: CheckResult): CheckResultJson {
  return {
    run_id: result.runId,
    location: result.location,
    ok: result.ok,
    degraded: result.degraded,
    inconclusive: result.inconclusive,
    status_code: result.statusCode,
    latency_ms: result.latencyMs,
    timings: result.timings as Record<string, number> | null,
    error_code: result.errorCode,
    error: result.error,
    details: result.details as Record<string, unknown> | null,
    checked_at: result.checkedAt.toISOString(),
    received_at: result.receivedAt.toISOString(),
  };
}
