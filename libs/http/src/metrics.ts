import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * How often the event-loop delay histogram (nodejs_eventloop_lag_*) samples, in ms. Each sample
 * is a timer that wakes the process: prom-client's 10 ms was 100 wake-ups a second, most of an
 * idle service's CPU; 100 ms still cost each process about 0.9 ms of CPU a second on this VM (an
 * idle Node over 45 s: 0.202 s of CPU, 0.160 s at 1 s; medians of 4 pairs), 0.01 ms a check
 * per service at 100 checks/s, for nothing but this metric. Once a second, a stall of a second or
 * more (one that delays leases, reports and probes) always shows in the max and the mean; a
 * shorter one shows when it overlaps a sample, as often as it is long.
 */
export const EVENT_LOOP_SAMPLE_MS = 1_000;

/**
 * A registry of the service's own (never prom-client's global one, so tests and the
 * all-in-one process can hold several), labelled with the service name, with Node's
 * process metrics unless turned off.
 */
export function createMetricsRegistry(options: { service: string; defaultMetrics?: boolean }): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  return registry;
}

export function metricsHandler(registry: Registry): RequestHandler {
  return async (_req, res) => {
    res.set('Content-Type', registry.contentType).send(await registry.metrics());
  };
}
