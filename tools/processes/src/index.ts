// Vigil's services as real processes: built with Nx, started from their bundles, stopped or
// killed; the management API as a client; a target that fails per location. Shared by the e2e
// suites and the benchmarks so that both start the services one way.
export { ApiCallError, apiClient, listAll } from './api-client';
export type { ApiCall, CallInput } from './api-client';
export { serviceEnvironment } from './config';
export { startFleet, withApplicationName } from './fleet';
export type { Fleet, FleetOptions } from './fleet';
export { locationOfUserAgent, startLocationTarget } from './location-target';
export type { LocationTarget, TargetHit } from './location-target';
export { buildApp, buildApps, freePort, startServiceProcess, workspaceRoot } from './service-process';
export type { RunningService, ServiceApp, ServiceStart } from './service-process';
export { ALL_IN_ONE, CONTROLLER_API, EVALUATOR, NOTIFIER, RUNNER, startAllInOne, startController, startEvaluator, startNotifier, startRunner } from './services';
export type { ControllerService, RunnerIdentity, ServiceOptions } from './services';
export { startWebhookLog } from './webhook-log';
export type { ReceivedAlert, WebhookLog } from './webhook-log';
