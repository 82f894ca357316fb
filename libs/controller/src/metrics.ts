import { REPORT_OUTCOMES, type ReportOutcome } from '@vigil/contracts';
import { Counter, type Registry } from 'prom-client';

/** The controller's own counters (request counts and latencies come from @vigil/http). */
export interface ControllerMetrics {
  /** Runs leased to runners. */
  leasesIssued: Counter;
  /** Runs leased again because the previous lease ran out without a report. */
  leasesExpired: Counter;
  /** Reported results, by outcome: accepted, duplicate, rejected. */
  resultsIngested: Counter<'outcome'>;
}

// Two apps may share a registry (tests, the all-in-one process): the second reuses the counter.
function counter<L extends string = never>(registry: Registry, name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<L>;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

export function controllerMetrics(registry: Registry): ControllerMetrics {
  const resultsIngested = counter(registry, 'vigil_results_ingested_total', 'Results reported by runners, by outcome', ['outcome']);
  // Every outcome is exported from the start, so rate() over it works before the first rejection.
  for (const outcome of REPORT_OUTCOMES) resultsIngested.inc({ outcome }, 0);
  return {
    leasesIssued: counter(registry, 'vigil_leases_issued_total', 'Runs leased to runners'),
    leasesExpired: counter(registry, 'vigil_leases_expired_total', 'Runs leased again after their previous lease expired unreported'),
    resultsIngested,
  };
}

export function countOutcomes(metrics: ControllerMetrics, counts: Readonly<Record<ReportOutcome, number>>): void {
  for (const outcome of REPORT_OUTCOMES) if (counts[outcome] > 0) metrics.resultsIngested.inc({ outcome }, counts[outcome]);
}
