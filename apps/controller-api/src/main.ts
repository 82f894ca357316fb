import { ensureAdminKey } from '@vigil/controller';
import { databaseReadiness, openServiceDatabase } from '@vigil/db';
import { bootService, startService } from '@vigil/http';
import { createApp } from './app';
import { readConfig } from './config';

void (async () => {
  const { config, logger, metrics } = bootService('controller-api', readConfig);
  const db = await openServiceDatabase(config, logger);
  await ensureAdminKey(db, { adminKey: config.VIGIL_ADMIN_KEY, dataDir: config.VIGIL_DATA_DIR, logger });
  const limits = { runnerRequestsPerSecond: config.VIGIL_RUNNER_RATE_LIMIT, runnerBurst: config.VIGIL_RUNNER_BURST };
  const app = createApp({ logger, metrics, db, ready: databaseReadiness(db), limits });
  await startService({ logger, app, listen: { host: config.HOST, port: config.PORT }, stop: () => db.close() });
})();
