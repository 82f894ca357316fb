import { databaseReadiness, openServiceDatabase } from '@vigil/db';
import { bootService, startService } from '@vigil/http';
import { createApp } from './app';
import { readConfig } from './config';

void (async () => {
  const { config, logger, metrics } = bootService('controller-api', readConfig);
  const db = await openServiceDatabase(config, logger);
  const app = createApp({ logger, metrics, ready: databaseReadiness(db) });
  await startService({ logger, app, listen: { host: config.HOST, port: config.PORT }, stop: () => db.close() });
})();
