// A runner whose own canary goes away while its target is fine, across real processes on
// PostgreSQL: a controller API, an evaluator, a notifier, two ordinary runners (us-1, eu-1) and
// ap-1, started with VIGIL_RUNNER_CANARIES naming a loopback server this test closes. Every
// assertion reads the public API; nothing reads the database.
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRunner, getRunner } from '@vigil/contracts';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@vigil/db/testing';
import {
  buildApps,
  CONTROLLER_API,
  EVALUATOR,
  type Fleet,
  type LocationTarget,
  NOTIFIER,
  RUNNER,
  type RunningService,
  startFleet,
  startLocationTarget,
  startRunner,
  workspaceRoot,
} from '@vigil/processes';
import { eventsOf, eventually, FAILING_THRESHOLD, INTERVAL_S, locationsOf, type MonitoredSite, monitoredSite, resultsOf, untilUp } from './processes/monitoring';

const INTERVAL_MS = INTERVAL_S * 1000;
const DOUBTING = 'ap-1';

/** A canary endpoint on loopback that the test takes away. */
async function startCanary(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_request, response) => response.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

if (testDatabaseKinds({ postgres: 'semantics' }).includes('postgres')) {
  describe('a runner whose canary fails', () => {
    let database: TestDatabase;
    let target: LocationTarget;
    let canary: { url: string; close(): Promise<void> } | undefined;
    let fleet: Fleet | undefined;
    let doubting: RunningService | undefined;
    let doubtingDir: string | undefined;
    let monitored: MonitoredSite;

    const withLogs = (error: unknown): Error => {
      const original = error instanceof Error ? error : new Error(String(error));
      const tails = [fleet?.logTails(), doubting && `${doubting.name}:\n${doubting.logTail()}`].filter(Boolean).join('\n');
      return new Error(`${original.stack ?? original.message}\n\nlast lines of each process:\n${tails}`, { cause: original });
    };

    beforeAll(async () => {
      const root = workspaceRoot();
      [, database, target, canary] = await Promise.all([
        buildApps(root, [CONTROLLER_API, EVALUATOR, NOTIFIER, RUNNER]),
        createTestDatabase('postgres'),
        startLocationTarget(),
        startCanary(),
      ]);
      fleet = await startFleet({ root, databaseUrl: database.url ?? '', runners: ['us-1', 'eu-1'], pollIntervalMs: 250, logs: { logLevel: 'info', echoLines: 0, keptLines: 40 } });
      const created = await fleet.admin(createRunner, { body: { slug: DOUBTING } });
      doubtingDir = mkdtempSync(join(tmpdir(), 'vigil-doubting-'));
      doubting = await startRunner(root, fleet.runnerControllerUrl, { slug: DOUBTING, privateKey: created.private_key }, {
        dataDir: doubtingDir,
        pollIntervalMs: 250,
        logLevel: 'info',
        echoLines: 0,
        keptLines: 40,
        vars: { VIGIL_RUNNER_CANARIES: canary.url, VIGIL_RUNNER_CANARY_INTERVAL_S: '1' },
      });
      monitored = await monitoredSite(fleet.api, target, 'Canary shop');
      await untilUp(fleet.api, monitored);
    }, 240_000);

    afterAll(async () => {
      await doubting?.stop();
      await fleet?.stop();
      if (doubtingDir) rmSync(doubtingDir, { recursive: true, force: true });
      await Promise.all([target?.close(), canary?.close(), database?.dispose()]);
    }, 60_000);

    it('turns impaired in the runners API, reports passes as ok and failures as inconclusive, and never opens an event', async () => {
      try {
        const live = fleet as Fleet;
        const runnerState = () => live.admin(getRunner, { params: { slug: DOUBTING } });
        await eventually(async () => (await runnerState()).connectivity === 'ok', `${DOUBTING} to say its network is fine`, 20_000);

        await canary?.close();
        canary = undefined;
        const doubtedAt = Date.now();
        await eventually(async () => (await runnerState()).connectivity === 'impaired', `${DOUBTING} to doubt its network`, 30_000);
        expect(Date.parse((await runnerState()).connectivity_changed_at ?? '')).toBeGreaterThanOrEqual(doubtedAt - 1000);

        // The target is fine: two more rounds of passing results from the doubting runner.
        const passedSince = async () =>
          (await resultsOf(live.api, monitored.check)).filter((r) => r.location === DOUBTING && r.ok && Date.parse(r.checked_at) > doubtedAt).length;
        await eventually(async () => (await passedSince()) >= 2, `two passing results from ${DOUBTING} while it doubts`, 4 * INTERVAL_MS);
        const fromDoubting = (await resultsOf(live.api, monitored.check)).filter((r) => r.location === DOUBTING && Date.parse(r.checked_at) > doubtedAt);
        expect(fromDoubting.every((r) => r.ok && !r.inconclusive)).toBe(true);
        const openedSince = async () => (await eventsOf(live.api, monitored.check)).filter((e) => Date.parse(e.started_at) >= doubtedAt);
        expect(await openedSince()).toEqual([]);

        // Now its probes of the target fail too (as they would with its network gone): reported
        // inconclusive, they move no strike, so even past the failing threshold nothing opens.
        const failedAt = Date.now();
        target.fail(monitored.path, [DOUBTING]);
        const failuresSince = async () =>
          (await resultsOf(live.api, monitored.check)).filter((r) => r.location === DOUBTING && !r.ok && Date.parse(r.checked_at) > failedAt);
        await eventually(async () => (await failuresSince()).length >= FAILING_THRESHOLD + 1, `${FAILING_THRESHOLD + 1} failed results from ${DOUBTING}`, (FAILING_THRESHOLD + 3) * INTERVAL_MS);
        expect((await failuresSince()).every((r) => r.inconclusive)).toBe(true);
        const doubtingState = (await locationsOf(live.api, monitored.check)).get(DOUBTING);
        expect(doubtingState).toMatchObject({ failing_strikes: 0, inconclusive: true, fresh: false });
        expect(await openedSince()).toEqual([]);
        target.fail(monitored.path, []);
        expect(live.unexpectedExits()).toEqual([]);
      } catch (error) {
        throw withLogs(error);
      }
    }, 180_000);
  });
}
