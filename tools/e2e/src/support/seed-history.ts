import { randomUUID } from 'node:crypto';
import type { ControllerHarness } from '@vigil/controller/testing';
import { backfillRollups } from '@vigil/evaluation';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Each location's usual latency; one result in eight takes three times as long (so each
 * location's p95, while the usual latency stays every median, merged or not).
 */
export const BASE_LATENCY_MS: Record<string, number> = { 'eu-1': 80, 'us-1': 140, 'ap-1': 260 };

export interface SeededHistory {
  /** Start of the hour of the one outage, two days ago (30 min from :05 to :35, the :10 results failed). */
  readonly outageHour: number;
  readonly outageMs: number;
  /** Every seeded result's time, location and verdict, for expected figures. */
  readonly results: ReadonlyArray<{ at: number; location: string; ok: boolean }>;
}

/**
 * Weeks of a check's history as the evaluator would have left it, written straight to the
 * database (the runner API takes only fresh results): two evaluated results an hour per
 * location (at :10 and :40) since `days` ago, their rollups rebuilt the way
 * `vigil-db rollups backfill` does, and one confirmed 30-minute outage two days ago
 * (a closed `down` event; its :10 results failed everywhere). The check and site are
 * backdated to the first result and left `up`, so every figure covers the whole window.
 */
export async function seedHistory(harness: ControllerHarness, ids: { siteId: string; checkId: string }, now: number, days: number): Promise<SeededHistory> {
  const { prisma } = harness.db;
  const site = await prisma.site.findUniqueOrThrow({ where: { uuid: ids.siteId } });
  const check = await prisma.check.findUniqueOrThrow({ where: { uuid: ids.checkId } });
  const thisHour = Math.floor(now / HOUR) * HOUR;
  const first = thisHour - days * DAY;
  const outageHour = thisHour - 2 * DAY;
  const results: Array<{ at: number; location: string; ok: boolean }> = [];
  const rows = [];
  for (let hour = first; hour <= thisHour; hour += HOUR) {
    for (const [location, base] of Object.entries(BASE_LATENCY_MS)) {
      for (const minute of [10, 40]) {
        const at = hour + minute * MINUTE;
        if (at >= now) continue;
        const ok = !(hour === outageHour && minute === 10);
        const slow = minute === 40 && (hour / HOUR) % 4 === 1;
        results.push({ at, location, ok });
        rows.push({
          checkId: check.id,
          siteId: site.id,
          runId: randomUUID(),
          location,
          ok,
          statusCode: ok ? 200 : 503,
          latencyMs: slow ? 3 * base : base,
          errorCode: ok ? null : 'unexpected_status',
          error: ok ? null : 'expected 200, got 503',
          checkedAt: new Date(at),
          receivedAt: new Date(at),
        });
      }
    }
  }
  for (let i = 0; i < rows.length; i += 2000) await prisma.checkResult.createMany({ data: rows.slice(i, i + 2000) });
  // History, evaluated: off the queue of pending results.
  await prisma.pendingResult.deleteMany({ where: { checkId: check.id } });
  await backfillRollups(harness.db);

  const outageStart = outageHour + 5 * MINUTE;
  const outageEnd = outageHour + 35 * MINUTE;
  await prisma.siteEvent.create({
    data: {
      siteId: site.id,
      checkId: check.id,
      checkType: check.type,
      eventType: 'down',
      severity: 'high',
      startedAt: new Date(outageStart),
      endedAt: new Date(outageEnd),
      resolutionReason: 'recovered',
    },
  });
  const last = new Date(results[results.length - 1].at);
  await prisma.check.update({ where: { id: check.id }, data: { createdAt: new Date(first), status: 'up', lastCheckedAt: last } });
  await prisma.site.update({ where: { id: site.id }, data: { createdAt: new Date(first), status: 'up', lastCheckedAt: last, lastStatusChangeAt: new Date(outageEnd) } });
  return { outageHour, outageMs: outageEnd - outageStart, results };
}
