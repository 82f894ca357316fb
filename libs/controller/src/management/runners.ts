import type { AreaContext } from '../http/area';

export function mountRunners(_ctx: AreaContext): void {
  // Routes are added here.
}
