import type { AreaContext } from '../http/area';

export function mountApiKeys(_ctx: AreaContext): void {
  // Routes are added here.
}
