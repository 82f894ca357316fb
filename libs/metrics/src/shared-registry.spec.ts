import { Registry } from 'prom-client';
import { sharedCounter, sharedGauge, sharedHistogram } from './shared-registry';

describe('shared metrics', () => {
  it('registers a metric on first use and hands the same one to the next caller', async () => {
    const registry = new Registry();
    const first = sharedCounter(registry, { name: 'jobs_total', help: 'Jobs, by outcome', labelNames: ['outcome'] });
    const second = sharedCounter(registry, { name: 'jobs_total', help: 'Jobs, by outcome', labelNames: ['outcome'] });
    expect(second).toBe(first);
    first.inc({ outcome: 'ok' });
    second.inc({ outcome: 'ok' }, 2);
    expect((await registry.getSingleMetricAsString('jobs_total')).split('\n')).toContain('jobs_total{outcome="ok"} 3');
  });

  it('keeps the first caller\'s gauge, collect and all', async () => {
    const registry = new Registry();
    sharedGauge(registry, { name: 'in_flight', help: 'In flight', collect() { this.set(4); } });
    sharedGauge(registry, { name: 'in_flight', help: 'In flight', collect() { this.set(9); } });
    expect((await registry.getSingleMetricAsString('in_flight')).split('\n')).toContain('in_flight 4');
  });

  it('makes each kind with its own settings (histogram buckets)', async () => {
    const registry = new Registry();
    sharedHistogram(registry, { name: 'took_seconds', help: 'Took', buckets: [0.5, 2] }).observe(1);
    const text = await registry.getSingleMetricAsString('took_seconds');
    expect(text).toContain('took_seconds_bucket{le="0.5"} 0');
    expect(text).toContain('took_seconds_bucket{le="2"} 1');
  });

  it('keeps registries apart', () => {
    const a = sharedCounter(new Registry(), { name: 'jobs_total', help: 'Jobs' });
    const b = sharedCounter(new Registry(), { name: 'jobs_total', help: 'Jobs' });
    expect(b).not.toBe(a);
  });

  it('refuses a name already taken by another kind of metric', () => {
    const registry = new Registry();
    sharedCounter(registry, { name: 'jobs', help: 'Jobs' });
    expect(() => sharedGauge(registry, { name: 'jobs', help: 'Jobs' })).toThrow('metric jobs is already registered as a Counter, not a Gauge');
  });
});
