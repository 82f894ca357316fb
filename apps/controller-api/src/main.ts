import { databaseReadiness } from '@vigil/db';
import { bootDatabaseService, startService } from '@vigil/http';
import { createApp } from './app';
import { readConfig } from './config';

void (async () => {
  const { config, logger, metrics, db } = await bootDatabaseService('controller-api', readConfig);
  const app = createApp({ logger, metrics, ready: databaseReadiness(db) });
  await startService({ logger, app, listen: { host: config.HOST, port: config.PORT }, stop: () => db.close() });
})();
