import { databaseReadiness, openServiceDatabase } from '@vigil/db';
import { bootService, startService } from '@vigil/http';
import { createApp } from './app';
import { readConfig } from './config';

void (async () => {
  const { config, logger, metrics } = bootService('notifier', readConfig);
  const db = await openServiceDatabase(config, logger);
  const app = createApp({ logger, metrics, ready: databaseReadiness(db) });
  // METRICS_PORT=off leaves the port undefined: no HTTP server at all.
  await startService({ logger, app, listen: { port: config.METRICS_PORT }, stop: () => db.close() });
})();
