import type { AreaContext } from '../http/area';

export function mountSites(_ctx: AreaContext): void {
  // Routes are added here.
}
