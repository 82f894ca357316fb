import { type ControllerDeps, mountController } from '@vigil/controller';
import { mountDashboard } from '@vigil/dashboard';
import { createServiceApp } from '@vigil/http';
import type { Express } from 'express';

export type ControllerApiDeps = ControllerDeps;

/** The controller's HTTP app: health and metrics, the runner API, the management API, the dashboard. */
export function createApp(deps: ControllerApiDeps): Express {
  const mount = (app: Express) => {
    mountController(app, deps);
    // After the API, so that its routes (and their JSON 404s) answer first.
    mountDashboard(app, { logger: deps.logger });
  };
  return createServiceApp(deps, { mount });
}
