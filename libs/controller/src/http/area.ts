import type { RouteContract } from '@vigil/contracts';
import type { ControllerDeps, ControllerLimits } from '../deps';
import type { RouteHandler } from './mount-route';

/** What each group of routes (sites, checks, the runner API…) is mounted with. */
export interface AreaContext {
  deps: ControllerDeps;
  limits: ControllerLimits;
  /** Mounts a contract with its handler (see mountRoute). */
  route<C extends RouteContract>(contract: C, handler: RouteHandler<C>): void;
}
