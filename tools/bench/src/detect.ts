import { performance } from 'node:perf_hooks';
import { createCheck, createNotificationChannel, createSite } from '@vigil/contracts';
import { CONTROLLER_API, EVALUATOR, NOTIFIER, RUNNER, startFleet, startLocationTarget, startWebhookLog } from '@vigil/processes';
import { optionsOrExit } from './args';
import { type Cleanup, orBenchFailure, runWithCleanup } from './cleanup';
import { readBenchConfig } from './config';
import { DETECT_USAGE, type DetectOptions, FAILING_THRESHOLD, LOCATIONS, parseDetectArgs, QUORUM } from './detect-options';
import { type DetectRig, measureOutage, type Outage, slotOffset, untilQuiet } from './detect-outage';
import { outageLine, printDetectReport } from './detect-report';
import { prepareServiceBench } from './service-bench';

export async function runDetectBenchmark(args: readonly string[]): Promise<void> {
  const config = readBenchConfig();
  const options = optionsOrExit('detect', DETECT_USAGE, () => parseDetectArgs(args, config.BENCH_DATABASE_URL));
  if (options === undefined) return;
  await runWithCleanup('detect', 'stopping the services and dropping the scratch database', (cleanup) => benchmark(options, cleanup));
}

/** Each outage fails a different pair, so every runner's poll phase takes its turn at confirming. */
const PAIRS: ReadonlyArray<readonly string[]> = [
  [LOCATIONS[0], LOCATIONS[1]],
  [LOCATIONS[1], LOCATIONS[2]],
  [LOCATIONS[2], LOCATIONS[0]],
];

async function benchmark(options: DetectOptions, cleanup: Cleanup): Promise<void> {
  const { root, database } = await prepareServiceBench('detect', [CONTROLLER_API, EVALUATOR, NOTIFIER, RUNNER], options, cleanup);
  const [target, webhook] = await Promise.all([startLocationTarget(), startWebhookLog()]);
  cleanup.add('closing the target and the webhook receiver', async () => {
    await Promise.all([target.close(), webhook.close()]);
  });
  const started = performance.now();
  const fleet = await orBenchFailure(startFleet({ root, databaseUrl: database.url, runners: LOCATIONS, pollIntervalMs: options.pollMs }));
  cleanup.add('stopping the services', fleet.stop);
  console.log(
    `services: controller API, evaluator, notifier, runners ${LOCATIONS.join(', ')} (own processes, built bundles), ` +
      `ready in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  const { api } = fleet;
  const site = await api(createSite, { body: { name: 'Detect' } });
  const path = '/detect/health';
  const check = await api(createCheck, {
    body: {
      site_id: site.id,
      type: 'http',
      target: `${target.url}${path}`,
      spec: { expected_statuses: [200] },
      interval_s: options.intervalS,
      timeout_ms: 2_000,
      locations: [...LOCATIONS],
      failing_threshold: FAILING_THRESHOLD,
      passing_threshold: 1,
      failing_locations_threshold: QUORUM,
    },
  });
  await api(createNotificationChannel, { body: { type: 'webhook', name: 'detect', config: { url: webhook.url }, site_ids: [site.id] } });
  const intervalMs = options.intervalS * 1000;
  const rig: Omit<DetectRig, 'offsetMs'> = { fleet, target, webhook, siteId: site.id, check, path, intervalMs, pollMs: options.pollMs };
  await untilQuiet({ ...rig, offsetMs: 0 });
  const offsetMs = await slotOffset(api, check, intervalMs);
  console.log(
    `check: http on the loopback target every ${options.intervalS} s from ${LOCATIONS.length} locations, failing_threshold ${FAILING_THRESHOLD}, ` +
      `${QUORUM} of ${LOCATIONS.length} confirm; slots at ${offsetMs} ms past each ${options.intervalS} s of the epoch\n`,
  );

  // Failures start at a random phase before a slot, but not in the last poll interval (and a
  // half second) before it: the previous slot's probes must have run before the failure.
  const guardMs = options.pollMs + 500;
  const outages: Outage[] = [];
  for (let i = 0; i < options.outages; i++) {
    const phaseMs = 100 + Math.random() * (intervalMs - guardMs - 100);
    const outage = await measureOutage({ ...rig, offsetMs }, PAIRS[i % PAIRS.length], phaseMs);
    outages.push(outage);
    console.log(outageLine(i, options.outages, outage));
  }
  printDetectReport(outages, options);
}
