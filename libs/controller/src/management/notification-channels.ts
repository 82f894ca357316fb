import type { AreaContext } from '../http/area';

export function mountNotificationChannels(_ctx: AreaContext): void {
  // Routes are added here.
}
