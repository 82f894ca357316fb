import { z } from 'zod';
import { apiKeysRoutes } from './api-keys';
import { checksRoutes } from './checks';
import { eventsRoutes } from './events';
import { maintenanceWindowsRoutes } from './maintenance-windows';
import { notificationChannelsRoutes } from './notification-channels';
import { defineRoute, type RouteContract } from './route';
import { runnerRoutes } from './runner-api';
import { runnersRoutes } from './runners';
import { sitesRoutes } from './sites';

export const getOpenApiDocument = defineRoute({
  method: 'get',
  path: '/api/openapi.json',
  operationId: 'getOpenApiDocument',
  summary: 'This document',
  tags: ['meta'],
  auth: { kind: 'none' },
  success: { status: 200, description: 'The OpenAPI 3.1 document of the controller API', schema: z.record(z.string(), z.unknown()) },
});

/** Every route the controller serves, in the order the OpenAPI document lists them. */
export const allRoutes: readonly RouteContract[] = [
  getOpenApiDocument,
  ...runnerRoutes,
  ...sitesRoutes,
  ...checksRoutes,
  ...runnersRoutes,
  ...eventsRoutes,
  ...maintenanceWindowsRoutes,
  ...notificationChannelsRoutes,
  ...apiKeysRoutes,
];
