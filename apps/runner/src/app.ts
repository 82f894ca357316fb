import { createServiceApp, type ServiceAppDeps } from '@vigil/http';
import type { Express } from 'express';

export type RunnerDeps = ServiceAppDeps;

/** The runner's health and metrics endpoints; probing runs beside them, not over HTTP. */
export function createApp(deps: RunnerDeps): Express {
  return createServiceApp(deps);
}
