import { usePrivateUmask } from '@vigil/config';
import { databaseReadiness, openServiceDatabase } from '@vigil/db';
import { notifierOptionsFrom, startNotifier } from '@vigil/delivery';
import { allReady, bootService, egressGuardFrom, startHeartbeatFrom, startService, sweepReadiness } from '@vigil/http';
import { loadServiceSecretKeys } from '@vigil/secrets';
import { createSweepHealth } from '@vigil/worker-loop';
import { createApp } from './app';
import { readConfig } from './config';

void (async () => {
  // Before anything writes a file: what this process creates is readable by its user only.
  usePrivateUmask();
  const { config, logger, metrics } = bootService('notifier', readConfig);
  const db = await openServiceDatabase(config, logger);
  const secretKeys = await loadServiceSecretKeys(config, logger);
  const health = createSweepHealth({ service: 'notifier', maxFailedSweeps: config.VIGIL_READY_MAX_FAILED_SWEEPS, metrics });
  const notifier = await startNotifier({
    db,
    logger,
    metrics,
    secretKeys,
    health,
    ...notifierOptionsFrom(config, egressGuardFrom(config, metrics, 'notifier')),
  });
  const heartbeat = startHeartbeatFrom(config, { healths: [health], egress: egressGuardFrom(config, metrics, 'heartbeat'), logger, metrics });
  const app = createApp({ logger, metrics, ready: allReady(databaseReadiness(db), sweepReadiness([health])) });
  const stop = async () => {
    await heartbeat?.stop();
    await notifier.stop();
    await db.close();
  };
  // METRICS_PORT=off leaves the port undefined: no HTTP server at all.
  await startService({ logger, app, listen: { port: config.METRICS_PORT }, stop });
})();
