import {
  Counter,
  type CounterConfiguration,
  Gauge,
  type GaugeConfiguration,
  Histogram,
  type HistogramConfiguration,
  type Metric,
  type Registry,
} from 'prom-client';

type Unregistered<C> = Omit<C, 'registers'>;

// Two services may share a registry (tests, the all-in-one process): the second to ask for a
// metric gets the one the first made, since prom-client refuses to register a name twice.
// A name taken by another kind of metric is a naming bug, so it throws rather than hand back
// something the caller cannot use.
function registered<M extends Metric<string>>(registry: Registry, name: string, kind: abstract new (...args: never[]) => M, create: () => M): M {
  const existing = registry.getSingleMetric(name);
  if (existing === undefined) return create();
  if (!(existing instanceof kind)) {
    throw new Error(`metric ${name} is already registered as a ${existing.constructor.name}, not a ${kind.name}`);
  }
  return existing;
}

/** The counter `config.name` of `registry`, made (and registered there) on first use. */
export function sharedCounter<L extends string = never>(registry: Registry, config: Unregistered<CounterConfiguration<L>>): Counter<L> {
  return registered(registry, config.name, Counter<L>, () => new Counter<L>({ ...config, registers: [registry] }));
}

/** The gauge `config.name` of `registry`, made on first use (a later caller's `collect` is not used). */
export function sharedGauge<L extends string = never>(registry: Registry, config: Unregistered<GaugeConfiguration<L>>): Gauge<L> {
  return registered(registry, config.name, Gauge<L>, () => new Gauge<L>({ ...config, registers: [registry] }));
}

/** The histogram `config.name` of `registry`, made on first use. */
export function sharedHistogram<L extends string = never>(registry: Registry, config: Unregistered<HistogramConfiguration<L>>): Histogram<L> {
  return registered(registry, config.name, Histogram<L>, () => new Histogram<L>({ ...config, registers: [registry] }));
}
