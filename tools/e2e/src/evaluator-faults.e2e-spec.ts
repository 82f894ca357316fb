// The evaluator under faults, on PostgreSQL (PGlite is one process: nothing to kill, nothing
// to share): an evaluator process SIGKILLed in the middle of its work leaves each check either
// wholly evaluated or untouched, and a restarted one finishes with exactly what an evaluator
// that was never interrupted writes; two evaluators on one database write exactly what one does.
import { Client } from 'pg';
import { openDatabase, type VigilPrisma } from '@vigil/db';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@vigil/db/testing';
import { createLogger } from '@vigil/logger';
import {
  type FleetPlan,
  insertFleetResults,
  planFleet,
  resultCount,
  roundTime,
  seedFleet,
} from './support/evaluator-fleet';
import { startEvaluatorProcess } from './support/evaluator-process';
import { evaluateUntilDone } from './support/evaluator-run';
import { evaluationSnapshot, halfWrites, snapshotDifferences, transitionLines } from './support/evaluator-state';
import { until } from './support/until';

jest.setTimeout(180_000);

const logger = createLogger({ service: 'evaluator-faults', level: 'warn', stream: process.stderr });

const pendingCount = (prisma: VigilPrisma) => prisma.pendingResult.count();

/** The same database, its sessions named so pg_stat_activity tells whose they are. */
function named(url: string, applicationName: string): string {
  const u = new URL(url);
  u.searchParams.set('application_name', applicationName);
  return u.toString();
}

interface Backend {
  pid: number;
  state: string | null;
  wait_event_type: string | null;
  in_transaction: boolean;
}

const backendsOf = (prisma: VigilPrisma, applicationName: string) =>
  prisma.$queryRaw<Backend[]>`
    SELECT pid, state, wait_event_type, xact_start IS NOT NULL AS in_transaction
    FROM pg_stat_activity WHERE application_name = ${applicationName}`;

/** Tables a backend has written to in its open transaction. */
async function tablesWrittenBy(prisma: VigilPrisma, pid: number): Promise<string[]> {
  const rows = await prisma.$queryRaw<Array<{ relname: string }>>`
    SELECT DISTINCT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
    WHERE l.pid = ${pid} AND l.mode = 'RowExclusiveLock' AND c.relkind = 'r' ORDER BY c.relname`;
  return rows.map((r) => r.relname);
}

const timed = async <T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> => {
  const started = performance.now();
  const value = await fn();
  return { value, ms: Math.round(performance.now() - started) };
};

describe('the fleet the fault tests evaluate', () => {
  it('is the same for the same seed and has outages, blips and maintenance in it', () => {
    const plan = planFleet({ seed: 11, checks: 240, rounds: 14 });
    expect(planFleet({ seed: 11, checks: 240, rounds: 14 })).toEqual(plan);
    expect(planFleet({ seed: 12, checks: 240, rounds: 14 })).not.toEqual(plan);
    const checks = plan.sites.flatMap((s) => s.checks);
    expect(checks).toHaveLength(240);
    expect(resultCount(plan)).toBeGreaterThanOrEqual(10_000);
    const failing = (round: readonly boolean[]) => round.filter((ok) => !ok).length;
    expect(checks.filter((c) => c.rounds.some((r) => failing(r) >= 2)).length).toBeGreaterThan(100);
    expect(checks.filter((c) => c.rounds.some((r) => failing(r) === 1)).length).toBeGreaterThan(100);
    expect(plan.sites.filter((s) => s.maintenance !== null).length).toBeGreaterThan(5);
    expect(plan.sites.filter((s) => s.checks.length > 1).length).toBeGreaterThan(20);
  });
});

// PostgreSQL: evaluator processes killed and restarted on one shared database.
if (testDatabaseKinds({ postgres: 'semantics' }).includes('postgres')) {
  describe('an evaluator process killed in the middle of its work', () => {
    const plan: FleetPlan = planFleet({ seed: 7, checks: 300, rounds: 10 });
    /** Rounds before this one are evaluated before any process is killed: the kills hit checks with history. */
    const SPLIT = 3;
    let control: TestDatabase;
    let faulty: TestDatabase;
    let faultyUrl: string;
    const cleanups: Array<() => Promise<unknown>> = [];

    beforeAll(async () => {
      [control, faulty] = await Promise.all([createTestDatabase('postgres'), createTestDatabase('postgres')]);
      faultyUrl = faulty.url ?? '';
      await Promise.all(
        [control, faulty].map(async (database) => {
          await seedFleet(database.db.prisma, plan);
          await insertFleetResults(database.db.prisma, plan, 0, SPLIT);
          await evaluateUntilDone(database.db, { logger });
          await insertFleetResults(database.db.prisma, plan, SPLIT, plan.rounds);
        }),
      );
    });
    afterAll(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
      await Promise.all([control?.dispose(), faulty?.dispose()]);
    });

    /** Until the server has ended a killed evaluator's sessions (and rolled back what they left open). */
    const sessionsEnded = (applicationName: string) =>
      until(async () => (await backendsOf(faulty.db.prisma, applicationName)).length === 0, `the sessions of ${applicationName} to end`);

    it('leaves every check wholly evaluated or untouched, and a restarted evaluator writes what an uninterrupted one does', async () => {
      const prisma = faulty.db.prisma;
      const total = await pendingCount(prisma);
      expect(total).toBe(resultCount(plan, SPLIT));
      expect(await halfWrites(prisma)).toEqual([]);

      const uninterrupted = await timed(() => evaluateUntilDone(control.db, { logger }));
      const expected = await evaluationSnapshot(control.db.prisma);
      expect(expected.pending).toBe(0);
      expect(uninterrupted.value).toMatchObject({ results: total, failed: 0 });
      expect(uninterrupted.value.transitions).toBeGreaterThan(100);

      // 1. Killed at whatever it is doing once a fifth of the results are evaluated.
      const first = await startEvaluatorProcess(named(faultyUrl, 'evaluator-kill-1'));
      cleanups.push(() => first.kill());
      await until(async () => (await pendingCount(prisma)) <= total * 0.8, 'the first evaluator to evaluate a fifth of the results', 60_000);
      const atKill = await backendsOf(prisma, 'evaluator-kill-1');
      await first.kill();
      await sessionsEnded('evaluator-kill-1');
      const afterFirst = await pendingCount(prisma);
      console.log(
        `evaluator 1 killed after ${first.progress().checks} checks; its sessions then: ${JSON.stringify(atKill.map((b) => [b.state, b.in_transaction]))}; ${afterFirst} of ${total} results pending`,
      );
      expect(afterFirst).toBeGreaterThan(0);
      expect(afterFirst).toBeLessThan(total);
      expect(await halfWrites(prisma)).toEqual([]);

      // 2. Killed, for certain, inside a transaction that has already written a transition: the
      // test locks the site of a check whose pending results open or change an event, so that the
      // evaluator waits at the site's projection with the check's event, audit and outbox rows written.
      const pendingChecks = await prisma.$queryRaw<Array<{ id: number; name: string; site_id: number }>>`
        SELECT c.id, c.name, e.site_id FROM checks c JOIN endpoints e ON e.id = c.endpoint_id
        WHERE EXISTS (SELECT 1 FROM pending_results q WHERE q.check_id = c.id) ORDER BY c.id`;
      const changes = (name: string) => expected.checks[name].events.some((e) => e.transitions.some((t) => (t.at ?? '') >= roundTime(SPLIT).toISOString()));
      const target = pendingChecks.find((c, i) => i >= 5 && pendingChecks[i - 1].site_id !== c.site_id && changes(c.name));
      if (target === undefined) throw new Error('no pending check changes an event: the fleet plan has too few outages');
      const holder = new Client({ connectionString: named(faultyUrl, 'evaluator-test-lock') });
      await holder.connect();
      cleanups.push(() => holder.end());
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM sites WHERE id = $1 FOR NO KEY UPDATE', [target.site_id]);

      const second = await startEvaluatorProcess(named(faultyUrl, 'evaluator-kill-2'));
      cleanups.push(() => second.kill());
      let blocked: Backend | undefined;
      await until(
        async () => {
          blocked = (await backendsOf(prisma, 'evaluator-kill-2')).find((b) => b.wait_event_type === 'Lock');
          return blocked !== undefined;
        },
        'the second evaluator to wait for the locked site',
        60_000,
      );
      const written = await tablesWrittenBy(prisma, blocked?.pid ?? 0);
      expect(written).toEqual(expect.arrayContaining(['site_events', 'event_transitions']));
      const beforeSecondKill = await pendingCount(prisma);
      expect(beforeSecondKill).toBeLessThan(afterFirst);
      await second.kill();
      expect(await halfWrites(prisma)).toEqual([]);
      // Its session outlives it while it waits for the lock; released, it learns its client is gone and rolls back.
      await holder.query('ROLLBACK');
      await sessionsEnded('evaluator-kill-2');
      expect(await pendingCount(prisma)).toBe(beforeSecondKill);
      expect(await prisma.pendingResult.count({ where: { checkId: target.id } })).toBe(plan.rounds * 3 - SPLIT * 3);
      expect(await halfWrites(prisma)).toEqual([]);
      console.log(`evaluator 2 killed waiting in check ${target.name}'s transaction, which had written to ${written.join(', ')}; ${beforeSecondKill} results pending`);

      // 3. A restarted evaluator finishes the work.
      const third = await startEvaluatorProcess(named(faultyUrl, 'evaluator-restarted'));
      cleanups.push(() => third.kill());
      await third.finished(60_000);
      expect(third.progress().failed).toBe(0);
      expect(await pendingCount(prisma)).toBe(0);
      expect(await halfWrites(prisma)).toEqual([]);
      const actual = await evaluationSnapshot(prisma);
      expect(snapshotDifferences(actual, expected)).toEqual({ pending: [0, 0], checks: 0, sites: 0, examples: [] });
      expect(transitionLines(actual)).toEqual(transitionLines(expected));
      console.log(`uninterrupted evaluator: ${uninterrupted.ms} ms for ${total} results, ${uninterrupted.value.transitions} transitions`);
    });
  });

  /** Evaluators on one database (each with connections of its own) until nothing is pending; none is left running if one fails. */
  async function evaluateTogether(url: string, count: number, moreComing?: () => boolean) {
    const databases = await Promise.all(Array.from({ length: count }, () => openDatabase({ kind: 'postgres', url }, { poolSize: 2 })));
    try {
      const settled = await Promise.allSettled(databases.map((db) => evaluateUntilDone(db, { logger, moreComing })));
      return settled.map((s) => {
        if (s.status === 'rejected') throw s.reason;
        return s.value;
      });
    } finally {
      await Promise.all(databases.map((db) => db.close()));
    }
  }

  /** Everything that must hold once two evaluators are done, in one object: a failure shows all of it. */
  async function comparison(actual: VigilPrisma, expected: VigilPrisma, failed: number) {
    const [a, b] = await Promise.all([evaluationSnapshot(actual), evaluationSnapshot(expected)]);
    const lines = [transitionLines(a), transitionLines(b)];
    return {
      failedEvaluations: failed,
      transitionsMissing: lines[1].filter((line) => !lines[0].includes(line)).slice(0, 5),
      transitionsExtra: lines[0].filter((line) => !lines[1].includes(line)).slice(0, 5),
      transitionsInOrder: JSON.stringify(lines[0]) === JSON.stringify(lines[1]),
      differences: snapshotDifferences(a, b),
      halfWrites: (await halfWrites(actual)).slice(0, 5),
    };
  }

  const agreeing = {
    failedEvaluations: 0,
    transitionsMissing: [],
    transitionsExtra: [],
    transitionsInOrder: true,
    differences: { pending: [0, 0], checks: 0, sites: 0, examples: [] },
    halfWrites: [],
  };

  describe('two evaluators on one PostgreSQL database', () => {
    const plan: FleetPlan = planFleet({ seed: 11, checks: 240, rounds: 14 });
    let shared: TestDatabase;
    let single: TestDatabase;

    beforeAll(async () => {
      [shared, single] = await Promise.all([createTestDatabase('postgres'), createTestDatabase('postgres')]);
      await Promise.all(
        [shared, single].map(async (database) => {
          await seedFleet(database.db.prisma, plan);
          await insertFleetResults(database.db.prisma, plan, 0, plan.rounds);
        }),
      );
    });
    afterAll(() => Promise.all([shared?.dispose(), single?.dispose()]));

    it('write exactly the transitions, events, outbox rows and statuses one evaluator writes', async () => {
      const total = resultCount(plan);
      expect(await pendingCount(shared.db.prisma)).toBe(total);
      expect(total).toBeGreaterThanOrEqual(10_000);

      const two = await timed(() => evaluateTogether(shared.url ?? '', 2));
      const one = await timed(() => evaluateTogether(single.url ?? '', 1));
      const [first, second] = two.value;
      const [alone] = one.value;
      console.log(
        `${total} results, ${alone.transitions} transitions: one evaluator ${one.ms} ms; two evaluators ${two.ms} ms ` +
          `(${first.results} and ${second.results} results, ${first.failed + second.failed} failed evaluations)`,
      );

      // Both worked, and no result was evaluated twice.
      expect(first.results).toBeGreaterThan(0);
      expect(second.results).toBeGreaterThan(0);
      expect(first.results + second.results).toBe(total);
      expect(alone).toMatchObject({ results: total, failed: 0 });
      expect(await halfWrites(single.db.prisma)).toEqual([]);
      expect(await comparison(shared.db.prisma, single.db.prisma, first.failed + second.failed)).toEqual(agreeing);
    });
  });

  describe('two evaluators while results keep arriving', () => {
    const plan: FleetPlan = planFleet({ seed: 23, checks: 150, rounds: 10 });
    /**
     * Rounds before this one each arrive only once the one before is wholly evaluated: each check
     * has each of them evaluated in a transaction of its own, from what the one before it wrote
     * (strikes, open event, statuses), however fast the machine. The later rounds arrive while the
     * evaluators are at work, and fall into transactions however the timing has it.
     */
    const SEPARATE = 5;
    const checkCount = plan.sites.reduce((n, site) => n + site.checks.length, 0);
    let live: TestDatabase;
    let batch: TestDatabase;

    beforeAll(async () => {
      [live, batch] = await Promise.all([createTestDatabase('postgres'), createTestDatabase('postgres')]);
      await Promise.all([seedFleet(live.db.prisma, plan), seedFleet(batch.db.prisma, plan)]);
      // The transaction that took each result off the queue (Vigil keeps no evaluation time): noted by the test's own trigger.
      await live.db.prisma.$executeRawUnsafe(`CREATE TABLE test_evaluated (result_id bigint PRIMARY KEY, check_id int NOT NULL, xid bigint NOT NULL)`);
      await live.db.prisma.$executeRawUnsafe(`CREATE FUNCTION test_note_evaluated() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO test_evaluated SELECT result_id, check_id, txid_current() FROM gone; RETURN NULL; END $$`);
      await live.db.prisma.$executeRawUnsafe(`CREATE TRIGGER test_evaluated AFTER DELETE ON pending_results REFERENCING OLD TABLE AS gone
        FOR EACH STATEMENT EXECUTE FUNCTION test_note_evaluated()`);
      await insertFleetResults(batch.db.prisma, plan, 0, plan.rounds);
    });
    afterAll(() => Promise.all([live?.dispose(), batch?.dispose()]));

    it('write, round by round, what one evaluator writes from all the results at once', async () => {
      const perRound = resultCount(plan, 0, 1);
      const pendingOfRound = (round: number) =>
        live.db.prisma.pendingResult.count({ where: { checkedAt: { gte: roundTime(round), lt: roundTime(round + 1) } } });
      let ingesting = true;
      const ingest = async () => {
        // One round at a time, as runners report: each evaluator takes whatever has arrived. The
        // next round waits for this one's results, not for the clock, so the rounds fall the same
        // way on a loaded machine as on an idle one.
        try {
          for (let round = 0; round < plan.rounds; round++) {
            await insertFleetResults(live.db.prisma, plan, round, round + 1);
            if (round < SEPARATE) await until(async () => (await pendingOfRound(round)) === 0, `round ${round} to be evaluated`, 60_000);
            else await until(async () => (await pendingOfRound(round)) < perRound, `the evaluators to begin round ${round}`, 60_000);
          }
        } finally {
          ingesting = false;
        }
      };
      const [, [first, second]] = await Promise.all([ingest(), evaluateTogether(live.url ?? '', 2, () => ingesting)]);
      const [alone] = await evaluateTogether(batch.url ?? '', 1);

      expect(first.results).toBeGreaterThan(0);
      expect(second.results).toBeGreaterThan(0);
      expect(first.results + second.results).toBe(resultCount(plan));
      expect(alone).toMatchObject({ results: resultCount(plan), failed: 0 });
      // The rounds were evaluated as they came: each check's first SEPARATE rounds in as many
      // transactions (one transaction id each), so the comparison below covers every check carrying
      // its state from one transaction to the next, not one evaluator's single pass again.
      const transactions = await live.db.prisma.$queryRaw<Array<{ separate: number; all: number; checks: number }>>`
        SELECT separate, "all", count(*)::int AS checks FROM (
          SELECT count(DISTINCT e.xid) FILTER (WHERE r.checked_at < ${roundTime(SEPARATE)})::int AS separate,
                 count(DISTINCT e.xid)::int AS "all"
          FROM check_results r JOIN test_evaluated e ON e.result_id = r.id GROUP BY r.check_id) AS c
        GROUP BY separate, "all" ORDER BY separate, "all"`;
      console.log(
        `results evaluated as they arrived (transactions per check in the first ${SEPARATE} rounds / in all ${plan.rounds}: checks): ` +
          `${transactions.map((t) => `${t.separate}/${t.all}: ${t.checks}`).join(', ')}; ${first.failed + second.failed} failed evaluations`,
      );
      expect(transactions.filter((t) => t.separate !== SEPARATE)).toEqual([]);
      expect(transactions.reduce((n, t) => n + t.checks, 0)).toBe(checkCount);
      expect(await comparison(live.db.prisma, batch.db.prisma, first.failed + second.failed)).toEqual(agreeing);
    });
  });
}
