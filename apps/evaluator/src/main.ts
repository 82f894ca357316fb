import { databaseReadiness } from '@vigil/db';
import { bootDatabaseService, startService } from '@vigil/http';
import { createApp } from './app';
import { readConfig } from './config';

void (async () => {
  const { config, logger, metrics, db } = await bootDatabaseService('evaluator', readConfig);
  const app = createApp({ logger, metrics, ready: databaseReadiness(db) });
  // METRICS_PORT=off leaves the port undefined: no HTTP server at all.
  await startService({ logger, app, listen: { port: config.METRICS_PORT }, stop: () => db.close() });
})();
