import { usePrivateUmask } from '@vigil/config';
import { databaseReadiness, openServiceDatabase } from '@vigil/db';
import { notifierOptionsFrom, startNotifier } from '@vigil/delivery';
import { bootService, startService } from '@vigil/http';
import { createApp } from './app';
import { readConfig } from './config';

void (async () => {
  // Before anything writes a file: what this process creates is readable by its user only.
  usePrivateUmask();
  const { config, logger, metrics } = bootService('notifier', readConfig);
  const db = await openServiceDatabase(config, logger);
  const notifier = await startNotifier({
    db,
    logger,
    metrics,
    ...notifierOptionsFrom(config),
  });
  const app = createApp({ logger, metrics, ready: databaseReadiness(db) });
  const stop = async () => {
    await notifier.stop();
    await db.close();
  };
  // METRICS_PORT=off leaves the port undefined: no HTTP server at all.
  await startService({ logger, app, listen: { port: config.METRICS_PORT }, stop });
})();
