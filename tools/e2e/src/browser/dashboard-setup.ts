import { type ControllerHarness, createControllerHarness } from '@vigil/controller/testing';
import { mountDashboard } from '@vigil/dashboard';
import { type Browser, launchChromium } from './chromium';

/**
 * Chromium and a controller on the embedded database with the dashboard mounted, started
 * together (both take seconds). If either fails, the other is stopped and the first failure
 * thrown: a machine without Chromium still fails with Chromium's one line.
 */
export async function launchDashboardBrowser(): Promise<{ browser: Browser; harness: ControllerHarness }> {
  const [launched, created] = await Promise.allSettled([launchChromium(), createControllerHarness('embedded', { alsoMount: (app) => mountDashboard(app) })]);
  if (launched.status === 'fulfilled' && created.status === 'fulfilled') return { browser: launched.value, harness: created.value };
  if (launched.status === 'fulfilled') await launched.value.close().catch(() => undefined);
  if (created.status === 'fulfilled') await created.value.dispose().catch(() => undefined);
  throw launched.status === 'rejected' ? launched.reason : (created as PromiseRejectedResult).reason;
}
