import type { AreaContext } from '../http/area';

export function mountRunnerApi(_ctx: AreaContext): void {
  // Routes are added here.
}
