import { createServiceApp, type ServiceAppDeps } from '@vigil/http';
import type { Express } from 'express';

export type EvaluatorDeps = ServiceAppDeps;

/** The evaluator's health and metrics endpoints; evaluation runs beside them, not over HTTP. */
export function createApp(deps: EvaluatorDeps): Express {
  return createServiceApp(deps);
}
