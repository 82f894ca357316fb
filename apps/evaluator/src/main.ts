import { usePrivateUmask } from '@vigil/config';
import { databaseReadiness, openServiceDatabase, retentionSettingsFrom, startRetentionJob } from '@vigil/db';
import { evaluatorOptionsFrom, startEvaluator } from '@vigil/evaluation';
import { allReady, bootService, egressGuardFrom, startHeartbeatFrom, startService, sweepReadiness } from '@vigil/http';
import { createSweepHealth } from '@vigil/worker-loop';
import { createApp } from './app';
import { readConfig } from './config';

void (async () => {
  // Before anything writes a file: what this process creates is readable by its user only.
  usePrivateUmask();
  const { config, logger, metrics } = bootService('evaluator', readConfig);
  const db = await openServiceDatabase(config, logger);
  const health = createSweepHealth({ service: 'evaluator', maxFailedSweeps: config.VIGIL_READY_MAX_FAILED_SWEEPS, metrics });
  const evaluator = await startEvaluator({
    db,
    logger,
    metrics,
    health,
    ...evaluatorOptionsFrom(config),
  });
  // Retention removes rows: nothing in read-only mode. One instance at a time across replicas (its advisory lock).
  const retention = config.VIGIL_DB_WRITES ? startRetentionJob({ db, settings: retentionSettingsFrom(config), metrics, log: logger }) : undefined;
  const heartbeat = startHeartbeatFrom(config, { healths: [health], egress: egressGuardFrom(config, metrics, 'heartbeat'), logger, metrics });
  const app = createApp({ logger, metrics, ready: allReady(databaseReadiness(db), sweepReadiness([health])) });
  const stop = async () => {
    await heartbeat?.stop();
    await retention?.stop();
    await evaluator.stop();
    await db.close();
  };
  // METRICS_PORT=off leaves the port undefined: no HTTP server at all.
  await startService({ logger, app, listen: { port: config.METRICS_PORT }, stop });
})();
