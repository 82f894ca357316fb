import { CONTROLLER_LOCATION, CreateCheckBody } from '@vigil/contracts';
import { changeCheck, createCheckInSite } from '@vigil/controller';
import type { Database } from '@vigil/db';
import type { Logger } from '@vigil/logger';
import type { SecretKeyring } from '@vigil/secrets';
import { ALWAYS_UP_PATH, FLAPPING_PATH } from './demo-targets';

export const DEMO_SITE_SLUG = 'demo';
const DEMO_SITE_NAME = 'Vigil demo';

const DEMO_CHECKS = [
  { name: 'Always up', path: ALWAYS_UP_PATH },
  { name: 'Flapping', path: FLAPPING_PATH },
] as const;

/**
 * Every 10 s (the shortest interval) from the built-in location alone; two failures in a row
 * confirm an outage, so the flapping endpoint opens one within about 20 s of going down, and
 * the dashboard shows `seems_down` before `down`.
 */
const DEMO_CHECK_SETTINGS = {
  type: 'http',
  interval_s: 10,
  timeout_ms: 5_000,
  locations: [CONTROLLER_LOCATION],
  failing_threshold: 2,
  passing_threshold: 1,
  failing_locations_threshold: 1,
} as const;

export interface DemoSeedOutcome {
  siteCreated: boolean;
  checksCreated: number;
  checksRetargeted: number;
}

export async function demoSiteExists(db: Database): Promise<boolean> {
  return (await db.prisma.site.count({ where: { slug: DEMO_SITE_SLUG } })) > 0;
}

/**
 * Points the demo checks at `baseUrl` (the demo targets, whose port changes from one start to
 * the next). With `create` (VIGIL_DEMO=1) it also makes sure the demo site (public status page
 * on) and its two checks exist. Safe to run at every start: what exists is kept, with its
 * history; a check the operator disabled stays so.
 */
export async function seedDemo(
  db: Database,
  baseUrl: string,
  logger: Logger,
  options: { create: boolean; secretKeys: SecretKeyring },
): Promise<DemoSeedOutcome> {
  const outcome: DemoSeedOutcome = { siteCreated: false, checksCreated: 0, checksRetargeted: 0 };
  let site = await db.prisma.site.findUnique({ where: { slug: DEMO_SITE_SLUG } });
  if (site === null) {
    if (!options.create) return outcome;
    site = await db.prisma.site.create({ data: { name: DEMO_SITE_NAME, slug: DEMO_SITE_SLUG, publicStatusPage: true } });
    outcome.siteCreated = true;
  }
  for (const check of DEMO_CHECKS) {
    const body = CreateCheckBody.parse({ ...DEMO_CHECK_SETTINGS, site_id: site.uuid, name: check.name, target: `${baseUrl}${check.path}` });
    const existing = await db.prisma.check.findFirst({
      where: { name: check.name, deletedAt: null, endpoint: { siteId: site.id } },
      select: { uuid: true, endpoint: { select: { target: true } } },
    });
    if (existing === null) {
      if (!options.create) continue;
      await createCheckInSite(db, options.secretKeys, body);
      outcome.checksCreated++;
    } else if (existing.endpoint.target !== body.target) {
      await changeCheck(db, options.secretKeys, existing.uuid, { target: body.target });
      outcome.checksRetargeted++;
    }
  }
  logger.info('demo site ready', { slug: DEMO_SITE_SLUG, ...outcome });
  return outcome;
}
