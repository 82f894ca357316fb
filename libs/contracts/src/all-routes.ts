import { z } from 'zod';
import { apiKeysRoutes } from './api-keys';
import { auditLogRoutes } from './audit-log';
import { checkRollupsRoutes } from './check-rollups';
import { checksRoutes } from './checks';
import { eventsRoutes } from './events';
import { heartbeatRoutes } from './heartbeat';
import { maintenanceWindowsRoutes } from './maintenance-windows';
import { notificationChannelsRoutes } from './notification-channels';
import { notificationsRoutes } from './notifications';
import { defineRoute, type RouteContract } from './route';
import { runnerRoutes } from './runner-api';
import { runnersRoutes } from './runners';
import { sitesRoutes } from './sites';
import { sloRoutes } from './slo';
import { statusPageRoutes } from './status-page';
import { reportsRoutes } from './reports';

export const getOpenApiDocument = defineRoute({
  method: 'get',
  path: '/api/openapi.json',
  operationId: 'getOpenApiDocument',
  summary: 'This document',
  tags: ['meta'],
  auth: { kind: 'none' },
  success: { status: 200, description: 'The OpenAPI 3.1 document of the controller API', schema: z.record(z.string(), z.unknown()) },
});

// Served by every Vigil service (libs/http); listed so the document covers every route.
export const getHealth = defineRoute({
  method: 'get',
  path: '/healthz',
  operationId: 'getHealth',
  summary: 'Liveness: the process answers',
  tags: ['meta'],
  auth: { kind: 'none' },
  success: { status: 200, description: 'Alive', schema: z.object({ status: z.literal('ok') }) },
});

export const getReadiness = defineRoute({
  method: 'get',
  path: '/readyz',
  operationId: 'getReadiness',
  summary: 'Readiness: the database is reachable and its migrations applied (503 otherwise, with the same body shape)',
  tags: ['meta'],
  auth: { kind: 'none' },
  success: {
    status: 200,
    description: 'Ready',
    schema: z.object({ status: z.enum(['ok', 'unavailable']), details: z.record(z.string(), z.unknown()) }),
  },
  errors: [503],
});

export const getMetrics = defineRoute({
  method: 'get',
  path: '/metrics',
  operationId: 'getMetrics',
  summary: 'Prometheus metrics (text exposition format)',
  tags: ['meta'],
  auth: { kind: 'none' },
  success: { status: 200, description: 'Metrics in the Prometheus text format' },
});

/** Every route the controller serves, in the order the OpenAPI document lists them. */
export const allRoutes: readonly RouteContract[] = [
  getOpenApiDocument,
  getHealth,
  getReadiness,
  getMetrics,
  ...runnerRoutes,
  ...sitesRoutes,
  ...sloRoutes,
  ...checksRoutes,
  ...heartbeatRoutes,
  ...checkRollupsRoutes,
  ...runnersRoutes,
  ...eventsRoutes,
  ...maintenanceWindowsRoutes,
  ...notificationChannelsRoutes,
  ...notificationsRoutes,
  ...apiKeysRoutes,
  ...auditLogRoutes,
  ...statusPageRoutes,
  ...reportsRoutes,
];
