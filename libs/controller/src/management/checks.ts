import type { AreaContext } from '../http/area';

export function mountChecks(_ctx: AreaContext): void {
  // Routes are added here.
}
