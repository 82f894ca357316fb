import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * How often the event-loop delay histogram (nodejs_eventloop_lag_*) samples, in ms. prom-client's
 * 10 ms wakes every process 100 times a second: 0.003 of a core each, most of an idle service's
 * CPU. At 100 ms a stall still shows in the max and the mean (one that overlaps a sample delays
 * it), at a tenth of the wake-ups.
 */
export const EVENT_LOOP_SAMPLE_MS = 100;

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
