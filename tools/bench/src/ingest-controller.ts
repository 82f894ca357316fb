import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { controllerEnvironment } from './config';
import { type RunningService, type ServiceApp, startServiceProcess } from './service-process';

export const CONTROLLER: ServiceApp = { name: 'controller', project: '@vigil/controller-api', main: 'dist/apps/controller-api/main.js' };
// Far above what the simulated runners send: the bench measures ingest, not the limiter.
const RUNNER_RATE_LIMIT = '100000';

/**
 * Starts the built controller API in its own process on 127.0.0.1 (a free port) against
 * `databaseUrl`, with a data directory of its own (removed when it stops), and waits until
 * /readyz says it is ready.
 */
export async function startController(
  root: string,
  databaseUrl: string,
  options: { app?: string; nodeArgs?: readonly string[] } = {},
): Promise<RunningService> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
  const removeDataDir = () => rmSync(dataDir, { recursive: true, force: true });
  const controller = await startServiceProcess({
    root,
    app: { ...CONTROLLER, main: options.app ?? CONTROLLER.main },
    nodeArgs: options.nodeArgs,
    env: (port) =>
      controllerEnvironment({
        DATABASE_URL: databaseUrl,
        HOST: '127.0.0.1',
        PORT: String(port),
        VIGIL_MIGRATE: 'off',
        VIGIL_DATA_DIR: dataDir,
        VIGIL_ADMIN_KEY: `vk_bench_${randomBytes(16).toString('hex')}`,
        VIGIL_RUNNER_RATE_LIMIT: RUNNER_RATE_LIMIT,
        VIGIL_RUNNER_BURST: RUNNER_RATE_LIMIT,
        LOG_LEVEL: 'warn',
        LOG_FORMAT: 'pretty',
        NODE_ENV: 'production',
      }),
  }).catch((error: unknown) => {
    removeDataDir();
    throw error;
  });
  return {
    ...controller,
    stop: async () => {
      await controller.stop();
      removeDataDir();
    },
  };
}
