import { usePrivateUmask } from '@vigil/config';
import { databaseReadiness, openServiceDatabase } from '@vigil/db';
import { evaluatorOptionsFrom, startEvaluator } from '@vigil/evaluation';
import { bootService, startService } from '@vigil/http';
import { createApp } from './app';
import { readConfig } from './config';

void (async () => {
  // Before anything writes a file: what this process creates is readable by its user only.
  usePrivateUmask();
  const { config, logger, metrics } = bootService('evaluator', readConfig);
  const db = await openServiceDatabase(config, logger);
  const evaluator = await startEvaluator({
    db,
    logger,
    metrics,
    ...evaluatorOptionsFrom(config),
  });
  const app = createApp({ logger, metrics, ready: databaseReadiness(db) });
  const stop = async () => {
    await evaluator.stop();
    await db.close();
  };
  // METRICS_PORT=off leaves the port undefined: no HTTP server at all.
  await startService({ logger, app, listen: { port: config.METRICS_PORT }, stop });
})();
