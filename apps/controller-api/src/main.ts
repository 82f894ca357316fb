import { usePrivateUmask } from '@vigil/config';
import { ensureAdminKey, ownLocationLink, rateLimitOptionsFrom, resealStoredSecrets } from '@vigil/controller';
import { databaseReadiness, openServiceDatabase } from '@vigil/db';
import { bootService, egressGuardFrom, startService } from '@vigil/http';
import { startOwnLocation } from '@vigil/runner-agent';
import { loadServiceSecretKeys } from '@vigil/secrets';
import { createApp } from './app';
import { readConfig } from './config';
import { migrateOnly } from './migrate-command';

void (async () => {
  // Before anything writes a file: what this process creates is readable by its user only.
  usePrivateUmask();
  const { config, logger, metrics } = bootService('controller-api', readConfig);
  if (process.argv[2] === 'migrate') return migrateOnly(config, logger);
  const db = await openServiceDatabase(config, logger);
  const secretKeys = await loadServiceSecretKeys(config, logger);
  // Secrets in clear (from before encryption) or under a previous key: sealed under the current one.
  const resealed = await resealStoredSecrets(db, secretKeys);
  if (resealed.channels + resealed.checks > 0) logger.info('secrets resealed under the current key', { ...resealed });
  await ensureAdminKey(db, { adminKey: config.VIGIL_ADMIN_KEY, dataDir: config.VIGIL_DATA_DIR, logger });
  const limits = { runnerRequestsPerSecond: config.VIGIL_RUNNER_RATE_LIMIT, runnerBurst: config.VIGIL_RUNNER_BURST };
  const egress = egressGuardFrom(config, metrics, 'controller');
  const runnerStaleAfterMs = config.VIGIL_RUNNER_STALE_AFTER_S * 1000;
  const app = createApp({ logger, metrics, db, ready: databaseReadiness(db), limits, egress, secretKeys, runnerStaleAfterMs, publicUrl: config.VIGIL_PUBLIC_URL, ...rateLimitOptionsFrom(config), checkMetrics: { maxSeries: config.VIGIL_CHECK_METRICS_MAX_SERIES } });
  const ownLocation = config.VIGIL_CONTROLLER_PROBES
    ? startOwnLocation({ link: ownLocationLink({ db, metrics, secretKeys }), logger, metrics, concurrency: config.VIGIL_CONTROLLER_PROBE_CONCURRENCY, concurrencyMax: config.VIGIL_CONTROLLER_PROBE_CONCURRENCY_MAX, egress })
    : undefined;
  const stop = async () => {
    await ownLocation?.stop();
    await db.close();
  };
  await startService({ logger, app, listen: { host: config.HOST, port: config.PORT }, stop });
})();
