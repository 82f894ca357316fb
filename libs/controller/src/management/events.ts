import type { AreaContext } from '../http/area';

export function mountEvents(_ctx: AreaContext): void {
  // Routes are added here.
}
