import type { DetectOptions } from './detect-options';
import { FAILING_THRESHOLD, QUORUM, TARGET_OVERHEAD_P95_S } from './detect-options';
import type { Outage } from './detect-outage';
import { passOrMiss, percentile, table } from './report-format';

const s = (ms: number): string => (Number.isNaN(ms) ? '-' : (ms / 1000).toFixed(2));
const mean = (values: readonly number[]): number => (values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length);

/** One line per outage, as it is measured. */
export function outageLine(index: number, total: number, o: Outage): string {
  const overhead = o.detectionMs - o.floorMs;
  return (
    `  outage ${String(index + 1).padStart(String(total).length)}/${total}  ${o.locations.join('+').padEnd(9)}  phase ${s(o.phaseMs).padStart(5)} s  ` +
    `detected in ${s(o.detectionMs).padStart(6)} s  (floor ${s(o.floorMs)} s, overhead ${s(overhead)} s: ` +
    `slot→probe ${s(o.slotToProbeMs)}, probe→stored ${s(o.probeToStoredMs)}, stored→evaluated ${s(o.storedToEvaluatedMs)}, evaluated→webhook ${s(o.evaluatedToWebhookMs)})`
  );
}

/**
 * The figures and the target. Two floors: the nominal one, failing_threshold × interval (what a
 * failure that starts just after a slot waits at best), and each outage's own, phase +
 * (failing_threshold - 1) × interval: a failure starts anywhere between two slots, so on
 * average half an interval sooner. The overhead is what the services add beyond the latter.
 */
export function printDetectReport(outages: readonly Outage[], options: DetectOptions): boolean {
  const intervalMs = options.intervalS * 1000;
  const nominalFloorMs = FAILING_THRESHOLD * intervalMs;
  const column = (pick: (o: Outage) => number) => outages.map(pick);
  const row = (label: string, values: readonly number[]) => [label, s(percentile(values, 0.5)), s(percentile(values, 0.95)), s(mean(values)), s(Math.max(...values))];
  const detection = column((o) => o.detectionMs);
  const overhead = column((o) => o.detectionMs - o.floorMs);
  const phase = column((o) => o.phaseMs);

  console.log('');
  for (const line of table([
    [`${outages.length} outages`, 'p50 s', 'p95 s', 'mean s', 'max s'],
    row('detection: failure start → webhook received', detection),
    row('  beyond the nominal floor (detection − threshold × interval)', column((o) => o.detectionMs - nominalFloorMs)),
    row('phase: failure start → next slot', phase),
    row('floor of the outage: phase + (threshold − 1) × interval', column((o) => o.floorMs)),
    row('overhead: detection − floor of the outage', overhead),
    row('  slot → confirming probe (a run leased ahead starts on it)', column((o) => o.slotToProbeMs)),
    row('  probe → result stored (report batching, report)', column((o) => o.probeToStoredMs)),
    row('  stored → evaluated (the outbox row written)', column((o) => o.storedToEvaluatedMs)),
    row('  evaluated → webhook received (NOTIFY, notifier)', column((o) => o.evaluatedToWebhookMs)),
  ])) {
    console.log(line);
  }
  const overheadP95 = percentile(overhead, 0.95);
  const met = overheadP95 < TARGET_OVERHEAD_P95_S * 1000;
  console.log('');
  console.log(
    `theoretical floor: failing_threshold ${FAILING_THRESHOLD} × interval ${options.intervalS} s = ${s(nominalFloorMs)} s ` +
      `(quorum ${QUORUM} of 3, runners polling every ${options.pollMs} ms); detection p50 ${s(percentile(detection, 0.5))} s, p95 ${s(percentile(detection, 0.95))} s`,
  );
  console.log(
    `that floor is the worst case: a failure starting anywhere in an interval waits ${s(mean(phase))} s on average (the mean phase) ` +
      `for its first failing slot, so the floor of each outage is its phase + ${FAILING_THRESHOLD - 1} × ${options.intervalS} s, and the overhead is measured beyond that`,
  );
  console.log(`target: overhead p95 < ${TARGET_OVERHEAD_P95_S} s: ${s(overheadP95)} s ${passOrMiss(met)}`);
  return met;
}
