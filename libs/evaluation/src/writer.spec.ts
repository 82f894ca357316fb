import type { VigilTransaction } from '@vigil/db';
import { createPrng } from '@vigil/testing';
import type { EvaluationLogger, Step } from './plan';
import { planCheck, projectionSteps } from './plan-check';
import { planRetiredCheck, planRetiredSite, planRunnerSweep } from './plan-sweeps';
import { at, channel, context, LOCATIONS, openEvent, result } from './testing/rows';
import { planWriter } from './writer';

/** A transaction that fails the test if anything touches it. */
const untouchable = new Proxy({} as VigilTransaction, {
  get(_target, property) {
    throw new Error(`read-only mode touched the transaction (${String(property)})`);
  },
});

function capture() {
  const lines: Array<{ level: string; message: string; fields: Record<string, unknown> }> = [];
  const line = (level: string) => (message: string, fields: Record<string, unknown> = {}) => void lines.push({ level, message, fields });
  const logger = { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') } as unknown as EvaluationLogger;
  return { logger, lines };
}

const readOnly = (logger: EvaluationLogger) => planWriter(untouchable, { readOnly: true, logger, now: () => at(0) });

/** A seeded random plan: a few rounds of results from the three locations, sometimes in maintenance, sometimes with an outage open. */
function randomPlan(seed: number): Step[] {
  const rng = createPrng(seed);
  let seconds = 60;
  const results = Array.from({ length: rng.int(1, 24) }, () => result(rng.pick(LOCATIONS), !rng.chance(0.5), (seconds += rng.int(1, 90))));
  const windows = rng.chance(0.2)
    ? [{ id: 1, uuid: 'w', siteId: 3, checkId: null, startsAt: at(rng.int(0, 600)), endsAt: at(rng.int(600, 1800)), reason: '', createdAt: at(0), rrule: null, timezone: null, durationS: null }]
    : [];
  const ctx = context(results, { windows, openEvent: rng.chance(0.3) ? openEvent(rng.pick(['seems_down', 'down'] as const), at(30)) : null });
  const plan = planCheck(ctx);
  return [...plan.events, ...projectionSteps([plan], [{ kind: 'site_status', check: ctx.check.uuid, siteId: 3, status: plan.status?.status ?? 'unknown' }])];
}

describe('read-only mode (invariant 8): the logging writer', () => {
  it('writes nothing and logs every step of 500 random plans, each event change with what it would have been', async () => {
    let changes = 0;
    for (let seed = 1; seed <= 500; seed++) {
      const plan = randomPlan(seed);
      const { logger, lines } = capture();
      const applied = await readOnly(logger).apply(plan);
      expect(applied.events).toEqual([]);
      expect(lines).toHaveLength(plan.length);
      plan.forEach((step, i) => {
        if (step.kind === 'event') {
          changes++;
          expect(lines[i].fields).toMatchObject({ suppressed: 'read_only', would_have: { kind: step.mutation.kind, reason: step.mutation.reason } });
        } else if (step.kind !== 'note') {
          expect(lines[i].message).toBe('read-only: write skipped');
        }
      });
    }
    // The generator must reach event changes, or the test proves little.
    expect(changes).toBeGreaterThan(100);
  });

  it('names every write it skips, in the plan order', async () => {
    const ctx = context([result('eu-1', false, 60), result('us-1', false, 61), result('eu-1', false, 120), result('us-1', false, 121)]);
    const { logger, lines } = capture();
    const plan = planCheck(ctx);
    await readOnly(logger).apply([...plan.events, ...projectionSteps([plan], [{ kind: 'site_status', check: 'check-7', siteId: 3, status: 'down' }])]);
    expect(lines.filter((l) => l.fields['suppressed'] === 'read_only').map((l) => [l.message, l.fields['location']])).toEqual([
      ['read-only: open skipped', 'eu-1'],
      ['read-only: upgrade skipped', 'us-1'],
    ]);
    expect(lines.filter((l) => l.message === 'read-only: write skipped').map((l) => l.fields['write'])).toEqual([
      'location_states',
      'location_states',
      'checks.status',
      'sites.status',
      'pending_results',
    ]);
  });

  it('writes nothing for the sweeps either', async () => {
    const { logger, lines } = capture();
    const check = { id: 7, uuid: 'check-7', siteId: 3, endpointId: 70, deleted: true, siteArchived: false };
    const retired = [
      ...planRetiredCheck({ check, open: [openEvent('down', at(30))], channels: [channel(1)] }, at(600)),
      planRetiredSite({ sites: [{ id: 3, status: 'down', last_checked_at: at(60) }], others: new Map() }, check, at(600)),
    ];
    const runners = planRunnerSweep({ runners: [{ slug: 'eu-1', createdAt: at(0), lastSeenAt: at(0), revokedAt: null }], open: [], siteId: null, channels: [] }, at(600), 300_000);
    expect((await readOnly(logger).apply([...retired, ...runners])).events).toEqual([]);
    expect(lines.map((l) => l.message)).toEqual([
      'read-only: close skipped',
      'read-only: write skipped',
      'read-only: write skipped',
      'read-only: runner event open skipped',
    ]);
  });
});
