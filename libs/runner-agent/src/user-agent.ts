import { VIGIL_VERSION } from '@vigil/contracts';

/** How every probe and every request to the controller names itself: product, version, location. */
export function runnerUserAgent(slug: string): string {
  return `Vigil/${VIGIL_VERSION} (+runner ${slug})`;
}
