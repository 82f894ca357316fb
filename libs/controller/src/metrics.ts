import { REPORT_OUTCOMES, type ReportOutcome } from '@vigil/contracts';
import { sharedCounter } from '@vigil/metrics';
import type { Counter, Registry } from 'prom-client';

/** The controller's own counters (request counts and latencies come from @vigil/http). */
export interface ControllerMetrics {
  /** Runs leased to runners. */
  leasesIssued: Counter;
  /** Runs leased again because the previous lease ran out without a report. */
  leasesExpired: Counter;
  /** Reported results, by outcome: accepted, duplicate, rejected. */
  resultsIngested: Counter<'outcome'>;
}

export function controllerMetrics(registry: Registry): ControllerMetrics {
  const resultsIngested = sharedCounter(registry, {
    name: 'vigil_results_ingested_total',
    help: 'Results reported by runners, by outcome',
    labelNames: ['outcome'],
  });
  // Every outcome is exported from the start, so rate() over it works before the first rejection.
  for (const outcome of REPORT_OUTCOMES) resultsIngested.inc({ outcome }, 0);
  return {
    leasesIssued: sharedCounter(registry, { name: 'vigil_leases_issued_total', help: 'Runs leased to runners' }),
    leasesExpired: sharedCounter(registry, {
      name: 'vigil_leases_expired_total',
      help: 'Runs leased again after their previous lease expired unreported',
    }),
    resultsIngested,
  };
}

export function countOutcomes(metrics: ControllerMetrics, counts: Readonly<Record<ReportOutcome, number>>): void {
  for (const outcome of REPORT_OUTCOMES) if (counts[outcome] > 0) metrics.resultsIngested.inc({ outcome }, counts[outcome]);
}
