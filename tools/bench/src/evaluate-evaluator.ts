import { controllerEnvironment } from './config';
import { type RunningService, type ServiceApp, startServiceProcess } from './service-process';

export const EVALUATOR: ServiceApp = { name: 'evaluator', project: '@vigil/evaluator', main: 'dist/apps/evaluator/main.js' };

/**
 * Starts the built evaluator in its own process against `databaseUrl`, as deployed (its
 * defaults: 200 checks per step, woken by NOTIFY, polling every second), and waits until its
 * /readyz (on a free metrics port) answers, which is after it has started listening for work.
 */
export function startEvaluatorProcess(root: string, databaseUrl: string): Promise<RunningService> {
  return startServiceProcess({
    root,
    app: EVALUATOR,
    env: (port) =>
      controllerEnvironment({
        DATABASE_URL: databaseUrl,
        METRICS_PORT: String(port),
        VIGIL_MIGRATE: 'off',
        // Event openings are logged at info; a deployment logs them, but the bench measures evaluation, not the terminal.
        LOG_LEVEL: 'warn',
        LOG_FORMAT: 'pretty',
        NODE_ENV: 'production',
      }),
  });
}
