import { type ControllerDeps, mountController } from '@vigil/controller';
import { createServiceApp } from '@vigil/http';
import type { Express } from 'express';

export type ControllerApiDeps = ControllerDeps;

/** The controller's HTTP app: health and metrics, the runner API, the management API. */
export function createApp(deps: ControllerApiDeps): Express {
  return createServiceApp(deps, { mount: (app) => mountController(app, deps) });
}
