import { createServiceApp, type ServiceAppDeps } from '@vigil/http';
import type { Express } from 'express';

export type NotifierDeps = ServiceAppDeps;

/** The notifier's health and metrics endpoints; delivery runs beside them, not over HTTP. */
export function createApp(deps: NotifierDeps): Express {
  return createServiceApp(deps);
}
