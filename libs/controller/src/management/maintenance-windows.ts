import type { AreaContext } from '../http/area';

export function mountMaintenanceWindows(_ctx: AreaContext): void {
  // Routes are added here.
}
