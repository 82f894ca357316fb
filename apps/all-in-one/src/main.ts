import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { usePrivateUmask } from '@vigil/config';
import { type ControllerDeps, ensureAdminKey, mountController, ownLocationLink, rateLimitOptionsFrom, resealStoredSecrets } from '@vigil/controller';
import { mountDashboard } from '@vigil/dashboard';
import { databaseReadiness, openServiceDatabase, retentionSettingsFrom, startRetentionJob } from '@vigil/db';
import { notifierOptionsFrom, startNotifier } from '@vigil/delivery';
import { evaluatorOptionsFrom, startEvaluator } from '@vigil/evaluation';
import { parseEgressList } from '@vigil/egress';
import { allReady, bootService, createServiceApp, egressGuardFrom, startHeartbeatFrom, startService, sweepReadiness } from '@vigil/http';
import { startOwnLocation } from '@vigil/runner-agent';
import { loadServiceSecretKeys } from '@vigil/secrets';
import { createSweepHealth } from '@vigil/worker-loop';
import { bannerText, localBaseUrl } from './banner';
import { readConfig } from './config';
import { startDemo } from './demo/start-demo';
import { keepWasmBaseline, limitHeapGrowth } from './heap';

// The controller API, the evaluator, the notifier and the @controller location, as their own
// apps start them, over one database and one metrics registry (served at the controller's /metrics).
void (async () => {
  // Before anything writes a file: what this process creates is readable by its user only.
  usePrivateUmask();
  // One process holds everything here: its heap is kept near what it uses.
  limitHeapGrowth();
  keepWasmBaseline();
  const { config, logger, metrics } = bootService('all-in-one', readConfig);
  const db = await openServiceDatabase(config, logger);
  const secretKeys = await loadServiceSecretKeys(config, logger);
  // Secrets in clear (from before encryption) or under a previous key: sealed under the current one.
  const resealed = await resealStoredSecrets(db, secretKeys);
  if (resealed.channels + resealed.checks > 0) logger.info('secrets resealed under the current key', { ...resealed });
  // Shown in the banner instead, among the other first-start lines.
  const adminKey = await ensureAdminKey(db, { adminKey: config.VIGIL_ADMIN_KEY, dataDir: config.VIGIL_DATA_DIR, logger, print: () => undefined });
  const demo = await startDemo(db, config, logger, secretKeys);
  if (demo !== undefined && !config.VIGIL_CONTROLLER_PROBES) {
    logger.warn('the demo checks run from @controller, which VIGIL_CONTROLLER_PROBES=off turns off: they will not run');
  }

  // The demo's checks probe endpoints this process serves on loopback: serving it opens loopback,
  // nothing else (one policy for the controller, its own location and the notifier here).
  const alsoAllow = demo === undefined ? [] : parseEgressList('loopback');
  const egress = egressGuardFrom(config, metrics, 'controller', { alsoAllow });
  // Both workers' sweeps count for /readyz and the heartbeat: alerting is down if either is.
  const evaluatorHealth = createSweepHealth({ service: 'evaluator', maxFailedSweeps: config.VIGIL_READY_MAX_FAILED_SWEEPS, metrics });
  const notifierHealth = createSweepHealth({ service: 'notifier', maxFailedSweeps: config.VIGIL_READY_MAX_FAILED_SWEEPS, metrics });
  const healths = [evaluatorHealth, notifierHealth];
  const deps: ControllerDeps = {
    logger,
    metrics,
    db,
    ready: allReady(databaseReadiness(db), sweepReadiness(healths)),
    limits: { runnerRequestsPerSecond: config.VIGIL_RUNNER_RATE_LIMIT, runnerBurst: config.VIGIL_RUNNER_BURST },
    runnerStaleAfterMs: config.VIGIL_RUNNER_STALE_AFTER_S * 1000,
    egress,
    secretKeys,
    publicUrl: config.VIGIL_PUBLIC_URL,
    ...rateLimitOptionsFrom(config),
    checkMetrics: { maxSeries: config.VIGIL_CHECK_METRICS_MAX_SERIES },
  };
  const app = createServiceApp(deps, {
    mount: (service) => {
      mountController(service, deps);
      // As controller-api does: the UI after the API.
      mountDashboard(service, { logger });
    },
  });
  const evaluator = await startEvaluator({
    db,
    logger,
    metrics,
    health: evaluatorHealth,
    ...evaluatorOptionsFrom(config),
  });
  const notifier = await startNotifier({
    db,
    logger,
    metrics,
    secretKeys,
    health: notifierHealth,
    ...notifierOptionsFrom(config, egressGuardFrom(config, metrics, 'notifier', { alsoAllow })),
  });
  // As in the evaluator: batched deletes here (the embedded database has no partitions), none in read-only mode.
  const retention = config.VIGIL_DB_WRITES ? startRetentionJob({ db, settings: retentionSettingsFrom(config), metrics, log: logger }) : undefined;
  const heartbeat = startHeartbeatFrom(config, { healths, egress: egressGuardFrom(config, metrics, 'heartbeat'), logger, metrics });
  const ownLocation = config.VIGIL_CONTROLLER_PROBES
    ? startOwnLocation({ link: ownLocationLink({ db, metrics, secretKeys }), logger, metrics, concurrency: config.VIGIL_CONTROLLER_PROBE_CONCURRENCY, concurrencyMax: config.VIGIL_CONTROLLER_PROBE_CONCURRENCY_MAX, egress })
    : undefined;

  // Producers first: the probes' last results reach the database before the workers stop reading it.
  const stop = async () => {
    await heartbeat?.stop();
    await ownLocation?.stop();
    await retention?.stop();
    await Promise.all([evaluator.stop(), notifier.stop()]);
    await demo?.targets.close();
    await db.close();
  };
  const service = await startService({ logger, app, listen: { host: config.HOST, port: config.PORT }, stop });
  if (service.server === undefined) return;
  // Without VIGIL_PUBLIC_URL a ping URL would be a path alone: on one machine, where the banner
  // points is where a cron job on it pings.
  const address = service.server.address();
  if (deps.publicUrl === undefined && address !== null && typeof address === 'object') deps.publicUrl = localBaseUrl(config.HOST, address.port);
  const keyFile = join(config.VIGIL_DATA_DIR, 'admin.key');
  process.stdout.write(
    bannerText({
      host: config.HOST,
      port: config.PORT,
      databaseUrl: config.DATABASE_URL,
      dataDir: config.VIGIL_DATA_DIR,
      adminKey,
      keyFile: existsSync(keyFile) ? keyFile : undefined,
      demoSite: demo?.siteSlug,
    }),
  );
})();
