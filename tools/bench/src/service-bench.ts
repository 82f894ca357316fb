import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { redactUrl } from '@vigil/db';
import { type Cleanup, orBenchFailure } from './cleanup';
import { createScratchDatabase, migrateDatabase, type ScratchDatabase } from './ingest-database';
import { buildApp, type ServiceApp, workspaceRoot } from './service-process';

const elapsed = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/**
 * The start of a benchmark of a service (ingest: the controller, evaluate: the evaluator): a
 * scratch database on `serverUrl` (dropped by `cleanup`), the header line, `app` built unless
 * --no-build, the database migrated. Gives the workspace root and the database.
 */
export async function prepareServiceBench(
  bench: string,
  app: ServiceApp,
  options: { readonly serverUrl: string; readonly build: boolean },
  cleanup: Cleanup,
): Promise<{ root: string; database: ScratchDatabase }> {
  const root = workspaceRoot();
  // Created first: an unreachable server is reported before anything slow happens.
  const database = await createScratchDatabase(options.serverUrl);
  cleanup.add(`dropping database ${database.name}`, database.drop);
  console.log(
    `Vigil ${bench} benchmark: node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} CPUs; ` +
      `${database.serverVersion} at ${redactUrl(options.serverUrl)} (scratch database ${database.name}, dropped at the end)`,
  );
  let step = performance.now();
  if (options.build) {
    await orBenchFailure(buildApp(root, app));
    console.log(`${app.name} built (nx run ${app.project}:build) in ${elapsed(step)}`);
    step = performance.now();
  }
  const migrations = await migrateDatabase(database.url);
  console.log(`database migrated (${migrations} migration${migrations === 1 ? '' : 's'}) in ${elapsed(step)}`);
  return { root, database };
}
