import { exitOnConfigError } from '@vigil/config';
import { createLogger, type LogFormat, type Logger, type LogLevel } from '@vigil/logger';
import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import { errorHandler, notFoundHandler } from './error-handlers';
import { healthRoutes, type ReadinessCheck } from './health';
import { rejectHostileUrls } from './hostile-input';
import { createMetricsRegistry, metricsHandler } from './metrics';
import { requestLogger } from './request-logger';
import { securityHeaders } from './security-headers';

/** What every service's HTTP app is built from; apps extend it with their own dependencies. */
export interface ServiceAppDeps {
  logger: Logger;
  metrics: Registry;
  /** Readiness for /readyz; the database check goes here once a service opens one. */
  ready: ReadinessCheck;
}

export interface ServiceAppOptions {
  /** Adds the service's own routes and middleware, after the health routes and before the 404. */
  mount?: (app: Express) => void;
  readyTimeoutMs?: number;
}

/**
 * The express app every Vigil service serves: request ids and logging, security headers,
 * a 400 for hostile URLs (see rejectHostileUrls), /healthz, /readyz, /metrics, the service's own routes, then the 404 and error handlers that
 * answer in the project's error shape.
 */
export function createServiceApp(deps: ServiceAppDeps, options: ServiceAppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestLogger(deps));
  app.use(securityHeaders());
  app.use(rejectHostileUrls());
  app.use(healthRoutes({ ready: deps.ready, timeoutMs: options.readyTimeoutMs }));
  app.get('/metrics', metricsHandler(deps.metrics));
  options.mount?.(app);
  app.use(notFoundHandler());
  app.use(errorHandler(deps));
  return app;
}

/**
 * The first step of every service's main: read the configuration (a bad one exits 78
 * with one line, see exitOnConfigError), then build the logger and metrics registry
 * it describes.
 */
export function bootService<Config extends { LOG_LEVEL: LogLevel; LOG_FORMAT: LogFormat }>(
  service: string,
  readConfig: () => Config,
): { config: Config; logger: Logger; metrics: Registry } {
  const config = exitOnConfigError(readConfig);
  return {
    config,
    logger: createLogger({ service, level: config.LOG_LEVEL, format: config.LOG_FORMAT }),
    metrics: createMetricsRegistry({ service }),
  };
}
