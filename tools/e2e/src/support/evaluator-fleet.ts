import type { VigilPrisma } from '@vigil/db';

export const FLEET_LOCATIONS = ['eu-1', 'us-1', 'ap-1'] as const;
export const FLEET_START = Date.parse('2026-11-23T10:00:00.000Z');
const INTERVAL_S = 60;

/** One check's results: `rounds[r][l]` is whether FLEET_LOCATIONS[l] passed in round r. */
export interface PlannedCheck {
  readonly name: string;
  readonly rounds: ReadonlyArray<readonly boolean[]>;
}

export interface PlannedSite {
  readonly slug: string;
  readonly checks: readonly PlannedCheck[];
  /** Also told about suspected outages (a channel with `notify_on_seems_down`). */
  readonly eager: boolean;
  /** A maintenance window over these rounds (half-open), for the whole site. */
  readonly maintenance: { readonly fromRound: number; readonly toRound: number } | null;
}

export interface FleetPlan {
  readonly sites: readonly PlannedSite[];
  readonly rounds: number;
}

export interface FleetShape {
  readonly seed: number;
  readonly checks: number;
  readonly rounds: number;
}

/** mulberry32: the same seed gives the same fleet in every database and on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Sites of 1 to 3 checks (consecutive ids, so concurrent evaluators often hold two checks of
 * one site at once), each run from three locations with a quorum of 2. Every check has
 * outages (most locations fail for a few rounds: seems_down, down, recovered) and blips
 * (one location fails now and then: false alarms), some sites a maintenance window.
 */
export function planFleet(shape: FleetShape): FleetPlan {
  const random = prng(shape.seed);
  const sites: PlannedSite[] = [];
  let planned = 0;
  while (planned < shape.checks) {
    const index = sites.length;
    const size = Math.min(1 + Math.floor(random() * 3), shape.checks - planned);
    const checks: PlannedCheck[] = [];
    for (let c = 0; c < size; c++) checks.push({ name: `check-${String(++planned).padStart(5, '0')}`, rounds: planRounds(random, shape.rounds) });
    const from = 2 + Math.floor(random() * Math.max(1, shape.rounds - 6));
    sites.push({
      slug: `fleet-${String(index).padStart(4, '0')}`,
      checks,
      eager: index % 3 === 0,
      maintenance: index % 9 === 4 ? { fromRound: from, toRound: from + 3 } : null,
    });
  }
  return { sites, rounds: shape.rounds };
}

function planRounds(random: () => number, count: number): boolean[][] {
  const rounds: boolean[][] = [];
  let outageLeft = 0;
  for (let r = 0; r < count; r++) {
    if (outageLeft === 0 && random() < 0.12) outageLeft = 1 + Math.floor(random() * 4);
    const failP = outageLeft > 0 ? 0.85 : 0.08;
    rounds.push(FLEET_LOCATIONS.map(() => random() >= failP));
    if (outageLeft > 0) outageLeft--;
  }
  return rounds;
}

export const roundTime = (round: number, locationIndex = 0): Date => new Date(FLEET_START + (round * INTERVAL_S + locationIndex) * 1000);

export const resultCount = (plan: FleetPlan, fromRound = 0, toRound = plan.rounds): number =>
  plan.sites.reduce((n, site) => n + site.checks.length, 0) * FLEET_LOCATIONS.length * (toRound - fromRound);

/** Creates the plan's sites, checks, location states, channels and windows; no results yet. */
export async function seedFleet(prisma: VigilPrisma, plan: FleetPlan): Promise<void> {
  await prisma.site.createMany({ data: plan.sites.map((s) => ({ name: s.slug, slug: s.slug })) });
  const siteIds = new Map((await prisma.site.findMany({ select: { id: true, slug: true } })).map((s) => [s.slug, s.id]));
  const idOf = (slug: string) => siteIds.get(slug) ?? fail(`site ${slug} was not created`);
  await prisma.endpoint.createMany({ data: plan.sites.map((s) => ({ siteId: idOf(s.slug), target: `https://${s.slug}.example/` })) });
  const endpointIds = new Map((await prisma.endpoint.findMany({ select: { id: true, siteId: true } })).map((e) => [e.siteId, e.id]));
  await prisma.check.createMany({
    data: plan.sites.flatMap((s) =>
      s.checks.map((c) => ({
        endpointId: endpointIds.get(idOf(s.slug)) ?? fail(`no endpoint for ${s.slug}`),
        name: c.name,
        type: 'http' as const,
        locations: [...FLEET_LOCATIONS],
        failingThreshold: 2,
        passingThreshold: 1,
        failingLocationsThreshold: '2',
        intervalS: INTERVAL_S,
      })),
    ),
  });
  const checks = await prisma.check.findMany({ select: { id: true, endpoint: { select: { siteId: true } } }, orderBy: { id: 'asc' } });
  await prisma.locationState.createMany({
    data: checks.flatMap((c) => FLEET_LOCATIONS.map((location) => ({ checkId: c.id, siteId: c.endpoint.siteId, location }))),
  });
  await prisma.notificationChannel.create({ data: { name: 'ops', type: 'webhook', siteIds: [] } });
  await prisma.notificationChannel.create({
    data: { name: 'eager', type: 'slack', notifyOnSeemsDown: true, siteIds: plan.sites.filter((s) => s.eager).map((s) => idOf(s.slug)) },
  });
  await prisma.maintenanceWindow.createMany({
    data: plan.sites.flatMap((s) =>
      s.maintenance === null
        ? []
        : [{ siteId: idOf(s.slug), startsAt: roundTime(s.maintenance.fromRound), endsAt: roundTime(s.maintenance.toRound), reason: 'deploy' }],
    ),
  });
}

/** Stores the results of rounds [fromRound, toRound) as ingest does: unevaluated. */
export async function insertFleetResults(prisma: VigilPrisma, plan: FleetPlan, fromRound: number, toRound: number): Promise<void> {
  const checks = await prisma.check.findMany({ select: { id: true, name: true, endpoint: { select: { siteId: true } } } });
  const byName = new Map(checks.map((c) => [c.name, c]));
  const columns = { checkIds: [] as number[], siteIds: [] as number[], locations: [] as string[], oks: [] as boolean[], checkedAts: [] as string[] };
  for (const planned of plan.sites.flatMap((site) => site.checks)) {
    const check = byName.get(planned.name) ?? fail(`check ${planned.name} was not created`);
    planned.rounds.slice(fromRound, toRound).forEach((round, i) =>
      round.forEach((ok, l) => {
        columns.checkIds.push(check.id);
        columns.siteIds.push(check.endpoint.siteId);
        columns.locations.push(FLEET_LOCATIONS[l]);
        columns.oks.push(ok);
        columns.checkedAts.push(roundTime(fromRound + i, l).toISOString());
      }),
    );
  }
  // One statement: createMany of ten thousand rows takes seconds through the driver adapter.
  await prisma.$executeRaw`
    INSERT INTO check_results (check_id, site_id, run_id, location, ok, status_code, error, error_code, checked_at)
    SELECT r.check_id, r.site_id, gen_random_uuid(), r.location, r.ok,
           CASE WHEN r.ok THEN 200 ELSE 503 END,
           CASE WHEN r.ok THEN NULL ELSE 'expected 2xx, got 503' END,
           CASE WHEN r.ok THEN NULL ELSE 'unexpected_status' END,
           r.checked_at
    FROM unnest(${columns.checkIds}::int[], ${columns.siteIds}::int[], ${columns.locations}::text[], ${columns.oks}::boolean[], ${columns.checkedAts}::timestamptz[])
      AS r(check_id, site_id, location, ok, checked_at)`;
}

function fail(message: string): never {
  throw new Error(message);
}
