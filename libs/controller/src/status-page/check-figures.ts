import { type CheckType, type StatusCheckSchema, STATUS_PAGE_DAYS } from '@vigil/contracts';
import { DAY_MS, EMPTY_ROLLUP, latencyPercentile, mergeRollups, type Rollup, uptimeOf } from '@vigil/rollups';
import type { z } from 'zod';

export type StatusCheck = z.input<typeof StatusCheckSchema>;

/** A check's daily rollups (one per location and UTC day) as loadStatusSource reads them. */
export interface CheckRollupSource {
  name: string | null;
  type: CheckType;
  days: Array<{ start: number; rollup: Rollup }>;
}

/** Percentiles to 0.1 ms: their bucket error is far larger. */
const tenth = (ms: number | null) => (ms === null ? null : Math.round(ms * 10) / 10);
const percentiles = (r: Rollup) => ({ p50: tenth(latencyPercentile(r, 0.5)), p95: tenth(latencyPercentile(r, 0.95)) });

/**
 * A check's measured figures on a status page (pure): its daily rollups merged over every
 * location, per UTC day of the last STATUS_PAGE_DAYS (today last) and over the last 30 and 90.
 */
export function checkFigures(source: CheckRollupSource, now: number): StatusCheck {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const first = today - (STATUS_PAGE_DAYS - 1) * DAY_MS;
  const byDay = new Map<number, Rollup>();
  for (const { start, rollup } of source.days) {
    if (start < first || start > today) continue;
    byDay.set(start, mergeRollups(byDay.get(start) ?? EMPTY_ROLLUP, rollup));
  }
  const days = [...byDay].sort(([a], [b]) => a - b);
  const over = (n: number) => days.filter(([start]) => start > today - n * DAY_MS).reduce((sum, [, r]) => mergeRollups(sum, r), EMPTY_ROLLUP);
  const d30 = over(30);
  const d90 = over(90);
  return {
    name: source.name,
    type: source.type,
    uptime: { '30d': uptimeOf(d30), '90d': uptimeOf(d90) },
    response_ms: { '30d': percentiles(d30), '90d': percentiles(d90) },
    days: days.map(([start, r]) => ({ date: new Date(start).toISOString().slice(0, 10), results: r.count, uptime: uptimeOf(r), ...percentiles(r) })),
  };
}
