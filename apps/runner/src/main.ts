import { getHeapStatistics } from 'node:v8';
import { exitOnConfigError, usePrivateUmask } from '@vigil/config';
import { alwaysReady, bootService, egressGuardFrom, startService } from '@vigil/http';
import {
  controllerCanary,
  createHttpLink,
  heapAdvice,
  openDiskSpool,
  runnerUserAgent,
  startConnectivityMonitor,
  startRunnerAgent,
  targetCanary,
  warnOfFormerSpool,
} from '@vigil/runner-agent';
import { createApp } from './app';
import { canaryEgressProblems, formerSpoolDirOf, readConfig, spoolDirOf } from './config';
import { runnerSigner } from './signer';

/** How long runs in flight may take to finish after SIGTERM before they are abandoned. */
const SHUTDOWN_DEADLINE_MS = 10_000;
const MIB = 1024 * 1024;

void (async () => {
  // Before anything writes a file: what this process creates is readable by its user only.
  usePrivateUmask();
  const { config, logger, metrics } = bootService('runner', readConfig);
  const signer = exitOnConfigError(() => runnerSigner(config));
  const userAgent = runnerUserAgent(config.VIGIL_RUNNER_SLUG);
  const egress = egressGuardFrom(config, metrics, 'runner');
  exitOnConfigError(() => canaryEgressProblems(config, egress));
  const spoolDir = spoolDirOf(config);
  const spool = await openDiskSpool({ dir: spoolDir, maxBytes: config.VIGIL_SPOOL_MAX_MB * MIB, logger, owner: config.VIGIL_RUNNER_SLUG }).catch(
    (error: unknown) => {
      logger.error(`cannot open the spool: ${(error as Error).message}`, { dir: spoolDir });
      return process.exit(1);
    },
  );
  await warnOfFormerSpool({ former: formerSpoolDirOf(config), current: spoolDir, logger });
  logger.info(`runner ${config.VIGIL_RUNNER_SLUG} polls ${config.VIGIL_CONTROLLER_URL}; spool in ${spoolDir}`, {
    slug: config.VIGIL_RUNNER_SLUG,
    kid: signer.kid,
  });
  const advice = heapAdvice(config.VIGIL_CONCURRENCY_MAX, getHeapStatistics().heap_size_limit);
  if (advice) logger.warn(advice);
  // The monitor pings the controller through the link, which tells the controller what the
  // monitor says; its first round starts on a timer, once both exist.
  const monitor = startConnectivityMonitor({
    canaries: [
      controllerCanary((timeoutMs) => link.ping(timeoutMs)),
      ...config.VIGIL_RUNNER_CANARIES.map((target) => targetCanary(target, { userAgent, egress })),
    ],
    intervalMs: config.VIGIL_RUNNER_CANARY_INTERVAL_S * 1000,
    logger,
    metrics,
  });
  const connectivity = () => monitor.connectivity;
  // Read at each request; nothing until the agent exists (the canaries' first ping may come first).
  let load = (): string | undefined => undefined;
  const link = createHttpLink({ controllerUrl: config.VIGIL_CONTROLLER_URL, signer, userAgent, connectivity, load: () => load() });
  const agent = startRunnerAgent({
    link,
    spool,
    logger,
    metrics,
    userAgent,
    egress,
    connectivity,
    pollMode: config.VIGIL_POLL_MODE,
    pollIntervalMs: config.VIGIL_POLL_INTERVAL_MS,
    concurrency: config.VIGIL_CONCURRENCY,
    concurrencyMax: config.VIGIL_CONCURRENCY_MAX,
    reportDelayMs: config.VIGIL_REPORT_DELAY_MS,
  });
  load = () => agent.loadHeader();
  const app = createApp({ logger, metrics, ready: alwaysReady });
  // METRICS_PORT=off leaves the port undefined: no HTTP server at all.
  const stop = async () => {
    await agent.stop(SHUTDOWN_DEADLINE_MS);
    await monitor.stop();
  };
  await startService({ logger, app, listen: { port: config.METRICS_PORT }, stop });
})();

