import { mergeSpans, subtractSpans } from './spans';
import type { UptimeInterval } from './uptime';

/** A stretch of a site's history; `end: null` is still going on (it runs to `now`). */
export interface HistorySpan {
  readonly start: number;
  readonly end: number | null;
}

/** A site's rows as availability counts them; times in epoch milliseconds. */
export interface AvailabilitySource {
  /** Confirmed outages (events that reached `down`), from their first failed run to their end. */
  readonly outages: readonly HistorySpan[];
  /** Unknown spells of its checks (events of type `unknown`). */
  readonly unknownSpells: readonly HistorySpan[];
  /** Maintenance occurrences of the whole site (a check's own maintenance already keeps its outages from opening). */
  readonly maintenance: readonly { readonly start: number; readonly end: number }[];
  /** When the site's current spell began if its status measures nothing now (`unknown`, `paused`); null otherwise. */
  readonly unmeasuredSince: number | null;
}

/**
 * What counts for uptime, the one rule the status page, the reports and the SLOs share: confirmed
 * outages as downtime; maintenance of the whole site that has begun by `now`; the unknown spells of
 * its checks and the site's current unknown or paused spell, if any, as neither up nor down. An
 * outage outweighs an unknown spell, as `down` outweighs `unknown` in the site's status: time a
 * check was down is downtime even while another check could not tell.
 */
export function availabilityIntervals(source: AvailabilitySource, now: number): UptimeInterval[] {
  const outages = source.outages.map((o) => ({ start: o.start, end: o.end ?? now }));
  const unknown = source.unknownSpells.map((u) => ({ start: u.start, end: u.end ?? now }));
  if (source.unmeasuredSince !== null) unknown.push({ start: source.unmeasuredSince, end: now });

  const intervals: UptimeInterval[] = outages.map((o) => ({ kind: 'down', ...o }));
  for (const m of source.maintenance) {
    if (m.start < now) intervals.push({ kind: 'maintenance', start: m.start, end: m.end });
  }
  for (const span of subtractSpans(mergeSpans(unknown), mergeSpans(outages))) intervals.push({ kind: 'unknown', ...span });
  return intervals;
}
