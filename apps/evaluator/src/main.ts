import { databaseReadiness, openServiceDatabase } from '@vigil/db';
import { startEvaluator } from '@vigil/evaluation';
import { bootService, startService } from '@vigil/http';
import { createApp } from './app';
import { readConfig } from './config';

void (async () => {
  const { config, logger, metrics } = bootService('evaluator', readConfig);
  const db = await openServiceDatabase(config, logger);
  const evaluator = await startEvaluator({
    db,
    logger,
    metrics,
    readOnly: !config.VIGIL_DB_WRITES,
    runnerOfflineAfterMs: config.VIGIL_RUNNER_OFFLINE_AFTER_S * 1000,
  });
  const app = createApp({ logger, metrics, ready: databaseReadiness(db) });
  const stop = async () => {
    await evaluator.stop();
    await db.close();
  };
  // METRICS_PORT=off leaves the port undefined: no HTTP server at all.
  await startService({ logger, app, listen: { port: config.METRICS_PORT }, stop });
})();
