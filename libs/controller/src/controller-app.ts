import { allRoutes, buildOpenApiDocument, getOpenApiDocument } from '@vigil/contracts';
import express, { type Express } from 'express';
import { apiKeyAuthenticator } from './auth/api-keys';
import { DEFAULT_RATE_LIMITS, PUBLIC_PAGE_PATHS, publicPageLimiter, rateLimitedAuthenticators } from './auth/rate-limits';
import { runnerAuthenticator } from './auth/runner';
import { checkMetricsOn } from './check-metrics/exporter';
import { type ControllerDeps, DEFAULT_LIMITS } from './deps';
import { mountHeartbeatApi } from './heartbeat/heartbeat-api';
import { pingRouter } from './heartbeat/ping-router';
import type { AreaContext } from './http/area';
import { databaseAuditLog } from './http/audit';
import { idempotencyStore } from './http/idempotency';
import { type Authenticators, mountRoute } from './http/mount-route';
import { mountApiKeys } from './management/api-keys';
import { mountAuditLog } from './management/audit-log';
import { mountCheckRollups } from './management/check-rollups';
import { mountSiteSlo } from './management/site-slo';
import { mountChecks } from './management/checks';
import { mountEvents } from './management/events';
import { mountMaintenanceWindows } from './management/maintenance-windows';
import { mountNotificationChannels } from './management/notification-channels';
import { mountNotifications } from './management/notifications';
import { mountReports } from './management/reports';
import { mountRunners } from './management/runners';
import { mountSites } from './management/sites';
import { mountRunnerApi } from './runner-api/router';
import { mountStatusPage } from './status-page/status-page';

export const API_VERSION = '0.1.0';

/**
 * Mounts the controller's routes on a service app: the runner API (`/api/runner`),
 * the management API (`/api/v1`), the OpenAPI document (`/api/openapi.json`) and the
 * public status pages. Authentication and the status pages pass the rate limits of
 * auth/rate-limits. The web dashboard is the app's to mount after this (a service lib
 * never imports the UI), so that these routes answer first.
 */
export function mountController(app: Express, deps: ControllerDeps): void {
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const rateLimits = { ...DEFAULT_RATE_LIMITS, ...deps.rateLimits };
  const authenticate: Authenticators = rateLimitedAuthenticators(
    { apiKey: apiKeyAuthenticator(deps.db), runner: runnerAuthenticator(deps.db, limits) },
    rateLimits,
  );
  const idempotency = idempotencyStore(deps.db);
  // Made here, before any result is stored: the ingest path only looks it up (see locationLink).
  checkMetricsOn(deps, deps.checkMetrics);
  const document = buildOpenApiDocument(allRoutes, {
    title: 'Vigil controller API',
    version: API_VERSION,
    description: 'The runner API (`/api/runner`, runner JWTs) and the management API (`/api/v1`, API keys).',
  });

  // Only the management API's mutating routes are recorded (isAudited), never runner reports.
  const audit = databaseAuditLog(deps.db);
  const runnerRouter = express.Router();
  const managementRouter = express.Router();
  const context = (router: express.Router, bodyLimitBytes: number): AreaContext => ({
    deps,
    limits,
    route: (contract, handler) => mountRoute(router, contract, { authenticate, bodyLimitBytes, audit, idempotency }, handler),
  });

  const meta = context(managementRouter, limits.managementBodyBytes);
  meta.route(getOpenApiDocument, async () => document);
  mountRunnerApi(context(runnerRouter, limits.reportBodyBytes));
  const management = context(managementRouter, limits.managementBodyBytes);
  mountSites(management);
  mountChecks(management);
  mountHeartbeatApi(management);
  mountCheckRollups(management);
  mountSiteSlo(management);
  mountRunners(management);
  mountEvents(management);
  mountMaintenanceWindows(management);
  mountNotificationChannels(management);
  mountNotifications(management);
  mountApiKeys(management);
  mountAuditLog(management);
  mountStatusPage(management);
  mountReports(management);

  if (deps.trustProxy !== undefined) app.set('trust proxy', deps.trustProxy);
  const publicPages = publicPageLimiter(rateLimits);
  if (publicPages !== undefined) app.use(PUBLIC_PAGE_PATHS, publicPages);
  app.use(runnerRouter);
  app.use(managementRouter);
  app.use(pingRouter({ db: deps.db, pingsPerSecond: limits.pingsPerSecond, pingBurst: limits.pingBurst }));
}
