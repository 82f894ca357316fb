import { createServiceApp, type ServiceAppDeps } from '@vigil/http';
import type { Express } from 'express';

export type ControllerApiDeps = ServiceAppDeps;

/** The controller's HTTP app; the runner API, management API and dashboard mount here. */
export function createApp(deps: ControllerApiDeps): Express {
  return createServiceApp(deps);
}
