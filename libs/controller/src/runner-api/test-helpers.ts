// Shared by the runner API's integration suites: due checks made straight in the database.
import type { ReportedResult, RunSpec } from '@vigil/contracts';
import type { Database, SiteStatus } from '@vigil/db';

export interface DueCheckOptions {
  /** Runner slugs; every check gets a location state at each. */
  locations: readonly string[];
  count?: number;
  intervalS?: number;
  downIntervalS?: number | null;
  timeoutMs?: number;
  degradedLatencyMs?: number | null;
  status?: SiteStatus;
  enabled?: boolean;
  deleted?: boolean;
  /** When the states fall due (default: a second ago). */
  dueAt?: Date;
  /** Ids to give the checks (firstId, firstId + 1…) instead of the next ones in sequence. */
  firstId?: number;
}

let seeded = 0;

/** `count` checks on one new site, each with a due location state at each of `locations`. */
export async function seedDueChecks(db: Pick<Database, 'prisma'>, options: DueCheckOptions): Promise<Array<{ id: number; uuid: string }>> {
  const n = ++seeded;
  const site = await db.prisma.site.create({ data: { name: `runner api ${n}`, slug: `runner-api-${n}-${Date.now()}` } });
  const endpoint = await db.prisma.endpoint.create({ data: { siteId: site.id, target: `https://runner-api-${n}.example/` } });
  const checks = await db.prisma.check.createManyAndReturn({
    data: Array.from({ length: options.count ?? 1 }, (_, i) => ({
      ...(options.firstId === undefined ? {} : { id: options.firstId + i }),
      endpointId: endpoint.id,
      type: 'http' as const,
      spec: { method: 'GET', expected_statuses: [200] },
      intervalS: options.intervalS ?? 60,
      downIntervalS: options.downIntervalS ?? null,
      timeoutMs: options.timeoutMs ?? 5_000,
      degradedLatencyMs: options.degradedLatencyMs ?? null,
      locations: [...options.locations],
      status: options.status ?? 'up',
      enabled: options.enabled ?? true,
      deletedAt: options.deleted ? new Date() : null,
    })),
    select: { id: true, uuid: true },
  });
  const nextDueAt = options.dueAt ?? new Date(Date.now() - 1_000);
  await db.prisma.locationState.createMany({
    data: checks.flatMap((check) => options.locations.map((location) => ({ checkId: check.id, siteId: site.id, location, nextDueAt }))),
  });
  return checks;
}

/** A passing result for a leased run, as a runner would report it. */
export function resultFor(run: Pick<RunSpec, 'run_id' | 'check_id'>, patch: Partial<ReportedResult> = {}): ReportedResult {
  return {
    run_id: run.run_id,
    check_id: run.check_id,
    ok: true,
    status_code: 200,
    latency_ms: 12.6,
    timings: { dns: 1, tcp: 2, tls: 3, first_byte: 5, total: 12.6 },
    checked_at: new Date().toISOString(),
    ...patch,
  };
}
