import perfHooks from 'node:perf_hooks';
import { createMetricsRegistry, EVENT_LOOP_SAMPLE_MS } from './metrics';

describe('a service metrics registry', () => {
  afterEach(() => jest.restoreAllMocks());

  it("samples the event loop's delay once a second, not prom-client's 10 ms (each sample wakes the process)", () => {
    const monitor = jest.spyOn(perfHooks, 'monitorEventLoopDelay');
    createMetricsRegistry({ service: 'evaluator' });
    expect(monitor).toHaveBeenCalledWith({ resolution: EVENT_LOOP_SAMPLE_MS });
    expect(EVENT_LOOP_SAMPLE_MS).toBe(1_000);
  });

  it("still exports the event loop's delay, labelled with the service", async () => {
    const text = await createMetricsRegistry({ service: 'notifier' }).metrics();
    expect(text).toMatch(/^nodejs_eventloop_lag_max_seconds\{service="notifier"\} \d/m);
  });

  it('holds no process metrics when they are turned off', async () => {
    const monitor = jest.spyOn(perfHooks, 'monitorEventLoopDelay');
    const text = await createMetricsRegistry({ service: 'test', defaultMetrics: false }).metrics();
    expect(monitor).not.toHaveBeenCalled();
    expect(text).not.toContain('nodejs_eventloop_lag');
  });
});
