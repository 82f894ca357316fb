import { CHECK_TYPES, REPORT_OUTCOMES } from '@vigil/contracts';
import { sharedCounter, sharedGauge, sharedHistogram } from '@vigil/metrics';
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface AgentMetrics {
  runsStarted: Counter<'type'>;
  /** `outcome` is `ok`, `failed` (the probe's verdict on the endpoint) or `inconclusive` (a failure that says nothing of it). */
  runsFinished: Counter<'type' | 'outcome'>;
  probeSeconds: Histogram<'type'>;
  runsSkipped: Counter;
  resultsReported: Counter<'outcome'>;
  resultsDropped: Counter<'reason'>;
  pollFailures: Counter<'failure'>;
  lastSuccessfulPoll: Gauge;
  runsLate: Counter;
  leasesExpired: Counter;
}

/**
 * The agent's metrics. `sizes` are read at scrape time: how many runs are in flight, and
 * how many results wait in the spool.
 */
export function agentMetrics(
  registry: Registry,
  sizes: { inFlight(): number; spooled(): number; concurrency(): number; behind(): boolean },
): AgentMetrics {
  const runsStarted = sharedCounter(registry, { name: 'vigil_runner_runs_started_total', help: 'Probe runs started, by check type', labelNames: ['type'] });
  const runsFinished = sharedCounter(registry, {
    name: 'vigil_runner_runs_finished_total',
    help: 'Probe runs finished, by check type and outcome (ok, failed, inconclusive)',
    labelNames: ['type', 'outcome'],
  });
  for (const type of CHECK_TYPES) {
    runsStarted.inc({ type }, 0);
    for (const outcome of ['ok', 'failed', 'inconclusive']) runsFinished.inc({ type, outcome }, 0);
  }
  const resultsReported = sharedCounter(registry, {
    name: 'vigil_runner_results_reported_total',
    help: "Results the controller answered for, by its outcome (accepted, duplicate, rejected)",
    labelNames: ['outcome'],
  });
  for (const outcome of REPORT_OUTCOMES) resultsReported.inc({ outcome }, 0);

  sharedGauge(registry, {
    name: 'vigil_runner_runs_in_flight',
    help: 'Probe runs in flight',
    collect() {
      this.set(sizes.inFlight());
    },
  });
  sharedGauge(registry, {
    name: 'vigil_runner_spool_results',
    help: 'Results waiting in the spool for the controller',
    collect() {
      this.set(sizes.spooled());
    },
  });

  sharedGauge(registry, {
    name: 'vigil_runner_concurrency',
    help: 'Probe runs it may run at once now: VIGIL_CONCURRENCY, or more (up to VIGIL_CONCURRENCY_MAX) while it falls behind',
    collect() {
      this.set(sizes.concurrency());
    },
  });
  sharedGauge(registry, {
    name: 'vigil_runner_behind',
    help: '1 while its runs start late or its leases run out unrun (judged every 10 s), else 0',
    collect() {
      this.set(sizes.behind() ? 1 : 0);
    },
  });

  return {
    runsStarted,
    runsFinished,
    probeSeconds: sharedHistogram(registry, {
      name: 'vigil_runner_probe_duration_seconds',
      help: 'How long probe runs took, by check type',
      labelNames: ['type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    }),
    runsSkipped: sharedCounter(registry, { name: 'vigil_runner_runs_skipped_total', help: 'Polled runs skipped because they were already in flight' }),
    resultsReported,
    resultsDropped: sharedCounter(registry, {
      name: 'vigil_runner_results_dropped_total',
      help: 'Results given up on: spool_full (the spool was at its bound), spool_unwritable (its disk refused the write: full, read-only, over quota) or refused (the controller refused the result itself)',
      labelNames: ['reason'],
    }),
    pollFailures: sharedCounter(registry, {
      name: 'vigil_runner_poll_failures_total',
      help: 'Polls that failed: unavailable, unauthorized or refused',
      labelNames: ['failure'],
    }),
    runsLate: sharedCounter(registry, {
      name: 'vigil_runner_runs_late_total',
      help: 'Probe runs that started more than a second after their due time (plus what the poll lookahead cannot cover)',
    }),
    leasesExpired: sharedCounter(registry, {
      name: 'vigil_runner_leases_expired_total',
      help: "Runs leased whose previous run of the same check, at this location, was leased and never reported",
    }),
    lastSuccessfulPoll: sharedGauge(registry, {
      name: 'vigil_runner_last_successful_poll_timestamp_seconds',
      help: 'When the last poll succeeded (Unix time)',
    }),
  };
}
