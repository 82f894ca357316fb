// What ADR 0010 measured: "is X in maintenance at T" for a weekly open-ended series whose
// DTSTART is three years before T. Run: node tools/scripts/run-ts.mjs tools/scripts/bench-maintenance.ts
import { loadavg } from 'node:os';
import { inMaintenance, parseRule, seriesEnd } from '@vigil/maintenance';

const WEEK_MS = 7 * 86_400_000;
const perCall = (run: () => void, n: number) => {
  const t = performance.now();
  for (let i = 0; i < n; i++) run();
  return (performance.now() - t) / n;
};

const open = { rrule: 'FREQ=WEEKLY;BYDAY=SU', timezone: 'Europe/Paris', durationS: 7200 };
const startsAt = new Date('2023-12-03T01:00:00Z'); // a Sunday, 02:00 in Paris
const window = { startsAt, endsAt: seriesEnd(startsAt, open), ...open };
const T = Date.parse('2026-12-06T01:30:00Z');
let i = 0;
// A week not asked about before (a different week each call), then weeks already kept.
const coldMs = perCall(() => inMaintenance([window], T + i++ * WEEK_MS), 200);
const warmMs = perCall(() => inMaintenance([window], T + (i++ % 50) * 60_000), 20_000);
// The library walking from DTSTART to T on every question (what is avoided).
const rule = parseRule(startsAt, open);
const walkMs = perCall(() => rule.all((o) => o.epochMilliseconds < T), 20);
// The same rule ending (UNTIL, within the 5-year bound): expanded whole once, then kept.
const ending = { ...open, rrule: 'FREQ=WEEKLY;BYDAY=SU;UNTIL=20281101T000000Z' };
const t0 = performance.now();
const bounded = { startsAt, endsAt: seriesEnd(startsAt, ending), ...ending };
inMaintenance([bounded], T);
const expandMs = performance.now() - t0;
const boundedWarmMs = perCall(() => inMaintenance([bounded], T + (i++ % 50) * 60_000), 20_000);

console.log(
  JSON.stringify({
    in_maintenance_at_T: inMaintenance([window], T),
    open_ended_new_week_ms: +coldMs.toFixed(3),
    open_ended_kept_week_us: +(warmMs * 1000).toFixed(1),
    walk_from_dtstart_ms: +walkMs.toFixed(1),
    ending_expand_whole_ms: +expandMs.toFixed(1),
    ending_kept_us: +(boundedWarmMs * 1000).toFixed(1),
    loadavg: loadavg().map((l) => +l.toFixed(1)),
  }),
);
