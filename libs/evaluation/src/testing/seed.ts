import { randomUUID } from 'node:crypto';
import type { Check, Site, VigilPrisma } from '@vigil/db';

export const LOCATIONS = ['eu-1', 'us-1', 'ap-1'] as const;
export type Location = (typeof LOCATIONS)[number];

let counter = 0;

/**
 * A site with one HTTP check run from three locations. A location fails after 2 failed runs
 * in a row (one flaky run only makes it suspect), recovers after 1 pass, and 2 failing
 * locations of 3 confirm an outage: one location's network trouble never pages anybody.
 */
export async function seedCheck(prisma: VigilPrisma): Promise<{ site: Site; check: Check }> {
  const n = ++counter;
  const site = await prisma.site.create({ data: { name: `site ${n}`, slug: `site-${n}-${randomUUID().slice(0, 8)}` } });
  const endpoint = await prisma.endpoint.create({ data: { siteId: site.id, target: `https://site-${n}.example/` } });
  const check = await prisma.check.create({
    data: {
      endpointId: endpoint.id,
      type: 'http',
      locations: [...LOCATIONS],
      failingThreshold: 2,
      passingThreshold: 1,
      failingLocationsThreshold: '2',
      intervalS: 60,
    },
  });
  await prisma.locationState.createMany({ data: LOCATIONS.map((location) => ({ checkId: check.id, siteId: site.id, location })) });
  return { site, check };
}

/** One reported result: `[location, ok, seconds after the scenario's start]`. */
export type ResultSpec = readonly [Location, boolean, number];

/** Stores results as ingest does (unevaluated); a failure carries a 503. */
export async function insertResults(prisma: VigilPrisma, check: Check, siteId: number, start: number, results: readonly ResultSpec[]): Promise<void> {
  await prisma.checkResult.createMany({
    data: results.map(([location, ok, seconds]) => ({
      checkId: check.id,
      siteId,
      runId: randomUUID(),
      location,
      ok,
      statusCode: ok ? 200 : 503,
      error: ok ? null : 'expected 2xx, got 503',
      errorCode: ok ? null : 'unexpected_status',
      checkedAt: new Date(start + seconds * 1000),
    })),
  });
}

/** One round: every location reports at `seconds` (+0, +1, +2 s, in LOCATIONS order). */
export function round(seconds: number, eu: boolean, us: boolean, ap: boolean): ResultSpec[] {
  return [
    ['eu-1', eu, seconds],
    ['us-1', us, seconds + 1],
    ['ap-1', ap, seconds + 2],
  ];
}
