import type { Database } from '@vigil/db';
import type { Logger } from '@vigil/logger';
import type { SecretKeyring } from '@vigil/secrets';
import type { AllInOneConfig } from '../config';
import { type DemoTargets, startDemoTargets } from './demo-targets';
import { DEMO_SITE_SLUG, demoSiteExists, seedDemo } from './seed-demo';

export interface RunningDemo {
  targets: DemoTargets;
  siteSlug: string;
}

/**
 * The endpoints the demo site watches, and with VIGIL_DEMO=1 the site itself (seeded once).
 * Once seeded, they are served at every start, VIGIL_DEMO or not, so that the demo's checks do
 * not turn into outages of endpoints nobody serves: deleting the site ends the demo.
 */
export async function startDemo(
  db: Database,
  config: Pick<AllInOneConfig, 'VIGIL_DEMO' | 'VIGIL_DEMO_FLAP_DOWN_S' | 'VIGIL_DEMO_FLAP_UP_S'>,
  logger: Logger,
  secretKeys: SecretKeyring,
): Promise<RunningDemo | undefined> {
  if (!config.VIGIL_DEMO && !(await demoSiteExists(db))) return undefined;
  const targets = await startDemoTargets({ downMs: config.VIGIL_DEMO_FLAP_DOWN_S * 1000, upMs: config.VIGIL_DEMO_FLAP_UP_S * 1000 });
  try {
    await seedDemo(db, targets.baseUrl, logger, { create: config.VIGIL_DEMO, secretKeys });
  } catch (error) {
    await targets.close();
    throw error;
  }
  return { targets, siteSlug: DEMO_SITE_SLUG };
}
