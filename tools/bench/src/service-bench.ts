import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { redactUrl } from '@vigil/db';
import { type Cleanup, orBenchFailure } from './cleanup';
import { createScratchDatabase, migrateDatabase, type ScratchDatabase } from './ingest-database';
import { buildApps, type ServiceApp, workspaceRoot } from '@vigil/processes';

const elapsed = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/**
 * The start of a benchmark of services (ingest: the controller, evaluate: the evaluator, detect:
 * all of them): a scratch database on `serverUrl` (dropped by `cleanup`), the header line, the
 * `apps` built unless --no-build, the database migrated. Gives the workspace root and the database.
 */
export async function prepareServiceBench(
  bench: string,
  apps: readonly ServiceApp[],
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
    await orBenchFailure(buildApps(root, apps));
    const how = apps.length === 1 ? `nx run ${apps[0].project}:build` : 'nx run-many -t build';
    console.log(`${apps.map((app) => app.name).join(', ')} built (${how}) in ${elapsed(step)}`);
    step = performance.now();
  }
  const migrations = await migrateDatabase(database.url);
  console.log(`database migrated (${migrations} migration${migrations === 1 ? '' : 's'}) in ${elapsed(step)}`);
  return { root, database };
}
