import { usePrivateUmask } from '@vigil/config';
import { databaseReadiness, openServiceDatabase } from '@vigil/db';
import { notifierOptionsFrom, startNotifier } from '@vigil/delivery';
import { bootService, egressGuardFrom, startService } from '@vigil/http';
import { loadServiceSecretKeys } from '@vigil/secrets';
import { createApp } from './app';
import { readConfig } from './config';

void (async () => {
  // Before anything writes a file: what this process creates is readable by its user only.
  usePrivateUmask();
  const { config, logger, metrics } = bootService('notifier', readConfig);
  const db = await openServiceDatabase(config, logger);
  const secretKeys = await loadServiceSecretKeys(config, logger);
  const notifier = await startNotifier({
    db,
    logger,
    metrics,
    secretKeys,
    ...notifierOptionsFrom(config, egressGuardFrom(config, metrics, 'notifier')),
  });
  const app = createApp({ logger, metrics, ready: databaseReadiness(db) });
  const stop = async () => {
    await notifier.stop();
    await db.close();
  };
  // METRICS_PORT=off leaves the port undefined: no HTTP server at all.
  await startService({ logger, app, listen: { port: config.METRICS_PORT }, stop });
})();
