import { pollRuns, reportResults } from '@vigil/contracts';
import type { ControllerHarness, HarnessRunner } from '@vigil/controller/testing';
import { routeCaller } from './alerting-api';

export const ALERTING_LOCATIONS = ['eu-1', 'us-1', 'ap-1'] as const;
export type AlertingLocation = (typeof ALERTING_LOCATIONS)[number];

/** Whether each location passes in one round, in ALERTING_LOCATIONS order. */
export type Round = readonly [eu: boolean, us: boolean, ap: boolean];

export const PASS: Round = [true, true, true];

const ROUND_MS = 60_000;

/**
 * When the runner at `ALERTING_LOCATIONS[location]` checked in round `round`: rounds a minute
 * apart, the locations of one round a second apart, so the evaluator sees them in that order.
 * All in the past (the controller refuses results from the future), starting `minutesAgo` ago.
 */
export function roundClock(minutesAgo = 30): (round: number, location: number) => Date {
  const start = Math.floor(Date.now() / 1000) * 1000 - minutesAgo * ROUND_MS;
  return (round, location) => new Date(start + round * ROUND_MS + location * 1000);
}

/** The three runners of the alerting scenarios, one per location. */
export async function addAlertingRunners(harness: ControllerHarness): Promise<HarnessRunner[]> {
  const runners: HarnessRunner[] = [];
  for (const slug of ALERTING_LOCATIONS) runners.push(await harness.addRunner(slug));
  return runners;
}

/**
 * One round of a check through the runner API: the check is made due at every location, then
 * each runner polls, must be leased exactly this check's run, and reports its result (a 503
 * when it fails). The result releases the lease; the check is next due an interval later.
 */
export async function reportRound(
  harness: ControllerHarness,
  runners: readonly HarnessRunner[],
  checkId: string,
  round: Round,
  at: (location: number) => Date,
): Promise<void> {
  // As the check's next interval would (its interval is far longer than a test).
  await harness.db.prisma.$executeRaw`
    UPDATE location_states SET next_due_at = now(), leased_until = NULL
    WHERE check_id = (SELECT id FROM checks WHERE uuid = ${checkId}::uuid)`;
  for (const [index, runner] of runners.entries()) {
    const call = routeCaller(harness.app, () => runner.authorization());
    const { runs } = await call(pollRuns, { query: { limit: 50 } });
    if (runs.length !== 1 || runs[0].check_id !== checkId) {
      throw new Error(`${runner.slug} was leased ${JSON.stringify(runs.map((r) => r.check_id))}, expected exactly [${checkId}]`);
    }
    const ok = round[index];
    const answer = await call(reportResults, {
      body: {
        results: [
          {
            run_id: runs[0].run_id,
            check_id: checkId,
            ok,
            status_code: ok ? 200 : 503,
            latency_ms: 42,
            ...(!ok && { error_code: 'unexpected_status', error: 'expected 200, got 503' }),
            checked_at: at(index).toISOString(),
          },
        ],
      },
    });
    if (answer.accepted !== 1) throw new Error(`${runner.slug}'s result was not accepted: ${JSON.stringify(answer.results)}`);
  }
}
