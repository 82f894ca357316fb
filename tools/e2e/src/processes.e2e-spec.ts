// Vigil deployed as separate OS processes on PostgreSQL, as in production: two controller API
// instances behind a round-robin balancer, one evaluator, one notifier and four runners (us-1,
// eu-1 and ap-1, which the checks name, and one the offline scenario silences) whose keys the
// management API made. A loopback target fails for the runners told to (it tells them apart by
// their User-Agent) and a loopback webhook receiver records alerts.
// Processes are killed with SIGKILL, as a crash or the OOM killer would. Every assertion reads
// the public API (events, transitions, notifications, runners, check results) or what the
// webhook receiver and the target saw; nothing reads the database.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createNotificationChannel, getRunner, listEvents, listNotifications } from '@vigil/contracts';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@vigil/db/testing';
import {
  buildApps,
  CONTROLLER_API,
  EVALUATOR,
  type Fleet,
  type LocationTarget,
  NOTIFIER,
  RUNNER,
  startFleet,
  startLocationTarget,
  startWebhookLog,
  type WebhookLog,
  workspaceRoot,
} from '@vigil/processes';
import {
  type Event,
  eventsOf,
  eventually,
  INTERVAL_S,
  LOCATIONS,
  locationsOf,
  type MonitoredSite,
  monitoredSite,
  resultsOf,
  transitionsOf,
  untilEvent,
  untilOpenEvent,
  untilStrikes,
  untilUp,
} from './processes/monitoring';
import { type RoundRobinProxy, startRoundRobinProxy } from './processes/round-robin-proxy';
import { withLogs } from './support/with-logs';

const INTERVAL_MS = INTERVAL_S * 1000;
/**
 * VIGIL_RUNNER_STALE_AFTER_S of the controllers and the evaluator (one rule: stale is offline): short, so that the offline scenario does not wait
 * out the default two minutes; still 60 of the live runners' polls (every 250 ms), which never
 * go quiet that long.
 */
const STALE_AFTER_S = 15;
/**
 * The runner the offline scenario kills. No check names it, so it is killed as soon as the fleet
 * is up: the silences before the evaluator calls it offline and the API calls it stale pass
 * while the other scenarios run, instead of after them.
 */
const SILENCED = 'sa-1';
const REPORT_PATH = '/api/runner/report';

describe('the balancer in front of the controllers', () => {
  const backends: Array<{ url: string; close(): Promise<void> }> = [];
  let proxy: RoundRobinProxy;

  beforeAll(async () => {
    for (const name of ['a', 'b']) {
      const server = http.createServer((request, response) => request.resume().on('end', () => response.end(name)));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      backends.push({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
      });
    }
    proxy = await startRoundRobinProxy(backends.map((b) => b.url));
  });
  afterAll(async () => {
    await proxy?.close();
    await Promise.all(backends.map((b) => b.close()));
  });

  const ask = async (path = '/') => {
    const response = await fetch(`${proxy.url}${path}`, { method: 'POST', body: 'x' });
    return `${response.status} ${await response.text()}`;
  };

  it('sends each request to the next backend in turn', async () => {
    expect([await ask(), await ask(), await ask(), await ask()]).toEqual(['200 a', '200 b', '200 a', '200 b']);
    expect(proxy.answered).toEqual([2, 2]);
  });

  it('answers 502 to a request whose backend was stopped while it was in flight, and passes over a backend that is down', async () => {
    const stopped = proxy.onNextRequest({ backend: 1, method: 'POST', path: '/report', action: () => backends[1].close() });
    const answers = [await ask('/report'), await ask('/report')];
    await stopped;
    expect(answers.filter((answer) => answer.startsWith('502'))).toHaveLength(1);
    expect(proxy.cut).toEqual([{ backend: 1, method: 'POST', path: '/report' }]);
    expect([await ask(), await ask(), await ask()]).toEqual(['200 a', '200 a', '200 a']);
  });
});

// PostgreSQL: Vigil's services as separate processes sharing one database.
if (testDatabaseKinds({ postgres: 'semantics' }).includes('postgres')) {
  describe('Vigil as separate processes on PostgreSQL', () => {
    let database: TestDatabase;
    let target: LocationTarget;
    let webhook: WebhookLog;
    let proxy: RoundRobinProxy | undefined;
    let fleet: Fleet | undefined;
    /** Every site monitored: no result of any of them may ever be lost. */
    const monitored: MonitoredSite[] = [];
    /** Each scenario's site, created and up before the first scenario, all at once. */
    const sites = new Map<string, MonitoredSite>();
    /** When the runner SILENCED was killed. */
    let silencedAt = 0;

    beforeAll(async () => {
      const root = workspaceRoot();
      [, database, target, webhook] = await Promise.all([
        buildApps(root, [CONTROLLER_API, EVALUATOR, NOTIFIER, RUNNER]),
        createTestDatabase('postgres'),
        startLocationTarget(),
        startWebhookLog(),
      ]);
      fleet = await startFleet({
        root,
        databaseUrl: database.url ?? '',
        controllers: 2,
        runners: [...LOCATIONS, SILENCED],
        pollIntervalMs: 250,
        runnerStaleAfterS: STALE_AFTER_S,
        runnerControllerUrl: async (controllers) => {
          proxy = await startRoundRobinProxy(controllers.map((controller) => controller.url));
          return proxy.url;
        },
        logs: { logLevel: 'info', echoLines: 0, keptLines: 40 },
      });
      const { api, admin } = fleet;
      await api(createNotificationChannel, { body: { type: 'webhook', name: 'on-call webhook', config: { url: webhook.url }, site_ids: [] } });
      // Seen by the controller, then silent: as a runner that crashed after working a while. Meanwhile
      // one site per scenario is added, probed and up: the scenarios then start from a site that is up.
      const silence = async () => {
        await eventually(async () => (await admin(getRunner, { params: { slug: SILENCED } })).last_seen_at !== null, `${SILENCED} to poll`, 30_000);
        expect(await fleet?.runners.get(SILENCED)?.kill('SIGKILL')).toBe('signal SIGKILL');
        silencedAt = Date.now();
      };
      const addSites = async () => {
        for (const added of await Promise.all(['Shop', 'Blog', 'Checkout', 'Search'].map((name) => monitoredSite(api, target, name)))) {
          monitored.push(added);
          sites.set(added.site.name, added);
        }
        await Promise.all(monitored.map((added) => untilUp(api, added)));
      };
      await Promise.all([silence(), addSites()]);
    }, 240_000);

    afterAll(async () => {
      await fleet?.stop();
      await Promise.all([proxy?.close(), target?.close(), webhook?.close()]);
      await database?.dispose();
    }, 60_000);

    type Body = (fleet: Fleet) => Promise<void>;
    const scenarios = new Map<string, Body>();
    /** Every scenario, once the first test started them. */
    let runs: Map<string, Promise<void>> | undefined;
    /**
     * The scenario called `name`. All of them start together, with the first test, each on a site
     * of its own: most of their time is spent waiting for probe rounds, which they then wait for
     * together. The tests take their results in the order declared.
     */
    const started = (name: string, live: Fleet): Promise<void> => {
      runs ??= new Map(
        [...scenarios].map(([other, body]) => {
          const run = body(live).then(() => expect(live.unexpectedExits()).toEqual([]));
          // Its own test awaits it; until then, a failure is no unhandled rejection.
          run.catch(() => undefined);
          return [other, run];
        }),
      );
      const run = runs.get(name);
      if (run === undefined) throw new Error(`no scenario ${name}`);
      return run;
    };

    /** A test that, when it fails, shows the last lines of every process; and fails if one exited on its own. */
    const scenario = (name: string, body: Body, timeoutMs: number) => {
      scenarios.set(name, body);
      it(
        name,
        async () => {
          try {
            if (fleet === undefined) throw new Error('the fleet did not start');
            await started(name, fleet);
          } catch (error) {
            throw withLogs(error, fleet);
          }
        },
        timeoutMs,
      );
    };

    /**
     * Resolved once the evaluator that one scenario kills in the middle of an outage runs again
     * (or that scenario ended without it): the scenarios that need the evaluator to decide within
     * a few probe rounds start then. A killed controller does not concern them: the runners report
     * through the balancer, which passes over it, and the API is the other instance.
     */
    let evaluatorBack = (): void => undefined;
    const evaluatorRuns = new Promise<void>((resolve) => (evaluatorBack = resolve));

    const site = (name: string): MonitoredSite => {
      const added = sites.get(name);
      if (added === undefined) throw new Error(`no site ${name} was set up`);
      return added;
    };

    /** What the webhook was told about one event, in order. */
    const alertsOf = (eventId: string) => webhook.alerts().filter((alert) => alert.eventId === eventId).map((alert) => alert.kind);

    scenario(
      'loses nothing when the evaluator is killed in the middle of an outage and started again',
      async (fleet) => {
        try {
          const { api } = fleet;
          const checkout = site('Checkout');
          const failedAt = Date.now();
          target.fail(checkout.path, ['us-1', 'eu-1']);
          const suspected = await untilOpenEvent(api, checkout, 'an event, suspected', (e) => e.type === 'seems_down', 3 * INTERVAL_MS);

          expect(await fleet.evaluator.kill('SIGKILL')).toBe('signal SIGKILL');
          // The results that confirm the outage arrive while no evaluator runs.
          const failuresSince = async (location: string) =>
            (await resultsOf(api, checkout.check)).filter((r) => r.location === location && !r.ok && Date.parse(r.checked_at) >= failedAt).length;
          await eventually(
            async () => (await failuresSince('us-1')) >= 2 && (await failuresSince('eu-1')) >= 2,
            'two failed results from us-1 and eu-1',
            3 * INTERVAL_MS,
          );
          await sleep(1_000);
          expect((await eventsOf(api, checkout.check)).find((e) => e.id === suspected.id)).toMatchObject({ type: 'seems_down', state: 'open' });
          expect(alertsOf(suspected.id)).toEqual([]);

          await fleet.restartEvaluator();
          evaluatorBack();
          const down = await untilEvent(api, checkout, suspected.id, 'the event confirmed down', (e) => e.type === 'down', 20_000);
          expect(down).toMatchObject({ id: suspected.id, started_at: suspected.started_at, severity: 'high' });
          // Every result counted: each location's strikes are its failed results in a row, none missed.
          await eventually(
            async () => {
              const [states, results] = [await locationsOf(api, checkout.check), await resultsOf(api, checkout.check)];
              return LOCATIONS.every((location) => {
                const mine = results.filter((r) => r.location === location);
                const streak = mine.findIndex((r) => r.ok);
                return states.get(location)?.failing_strikes === (streak === -1 ? mine.length : streak);
              });
            },
            'failing strikes equal to the failed results in a row at each location',
            2 * INTERVAL_MS,
          );

          target.fail(checkout.path, []);
          const closed = await untilEvent(api, checkout, down.id, 'the event closed', (e) => e.state === 'closed', 3 * INTERVAL_MS);
          expect(closed).toMatchObject({ id: down.id, resolution_reason: 'recovered' });
          await eventually(async () => alertsOf(down.id).length > 1, 'the webhook to receive the recovery', 10_000);
          expect(alertsOf(down.id)).toEqual(['outage_confirmed', 'outage_recovered']);
        } finally {
          evaluatorBack();
        }
      },
      240_000,
    );

    scenario(
      'loses no result when a controller instance is killed while the runners report to it',
      async (fleet) => {
        const { api } = fleet;
        if (proxy === undefined) throw new Error('no balancer');
        const balancer = proxy;
        const search = site('Search');
        const victim = fleet.controllers[1];
        let killedAt = 0;
        const killed = balancer.onNextRequest({
          backend: 1,
          method: 'POST',
          path: REPORT_PATH,
          action: async () => {
            killedAt = Date.now();
            await victim.kill('SIGKILL');
          },
        });
        let noReport: NodeJS.Timeout | undefined;
        await Promise.race([killed, new Promise((_, reject) => (noReport = setTimeout(() => reject(new Error('no report reached controller 2')), 3 * INTERVAL_MS)))]);
        clearTimeout(noReport);
        expect(balancer.cut).toContainEqual({ backend: 1, method: 'POST', path: REPORT_PATH });
        const answeredBySurvivor = balancer.answered[0];

        // The runners carry on through the other instance...
        await eventually(
          async () => {
            const results = await resultsOf(api, search.check);
            return LOCATIONS.every((location) => results.some((r) => r.location === location && Date.parse(r.checked_at) > killedAt));
          },
          'a result probed after the kill from every location',
          3 * INTERVAL_MS,
        );
        expect(balancer.answered[0]).toBeGreaterThan(answeredBySurvivor);
        // ...and every probe the target answered, for every site so far, is stored exactly once.
        const stored = async () =>
          (
            await Promise.all(
              monitored.map(async (m) => {
                const results = await resultsOf(api, m.check);
                return LOCATIONS.map((location) => {
                  const probes = target.hits(m.path).filter((hit) => hit.location === location).length;
                  const kept = results.filter((r) => r.location === location);
                  return { site: m.site.name, location, probes, results: kept.length, runs: new Set(kept.map((r) => r.run_id)).size };
                });
              }),
            )
          ).flat();
        let last: Awaited<ReturnType<typeof stored>> = [];
        await eventually(
          async () => {
            last = await stored();
            return last.every((row) => row.probes === row.results && row.runs === row.results);
          },
          'as many stored results as probes, for every site and location',
          2 * INTERVAL_MS,
          1_000,
        ).catch((error: Error) => {
          throw new Error(`${error.message}:\n${JSON.stringify(last, null, 1)}`);
        });
        expect(last.length).toBe(monitored.length * LOCATIONS.length);
      },
      180_000,
    );

    scenario(
      'confirms an outage that 2 of 3 locations see, alerts once through the webhook, and recovers',
      async ({ api }) => {
        await evaluatorRuns;
        const shop = site('Shop');
        target.fail(shop.path, ['us-1', 'eu-1']);

        const down = await untilOpenEvent(api, shop, 'an event confirmed down', (e) => e.type === 'down', 4 * INTERVAL_MS);
        expect(down).toMatchObject({ site_id: shop.site.id, check_id: shop.check.id, severity: 'high', ended_at: null });
        // Still failing a round later: the outage is told once, not once per round.
        await untilStrikes(api, shop, ['us-1', 'eu-1'], 3);
        await eventually(async () => alertsOf(down.id).length > 0, 'the webhook to receive the alert', 10_000);
        expect(alertsOf(down.id)).toEqual(['outage_confirmed']);

        target.fail(shop.path, []);
        const closed = await untilEvent(api, shop, down.id, 'the event closed', (e) => e.state === 'closed', 3 * INTERVAL_MS);
        expect(closed).toMatchObject({ id: down.id, type: 'down', severity: 'high', resolution_reason: 'recovered', started_at: down.started_at });
        expect(await transitionsOf(api, closed.id)).toEqual([
          expect.stringMatching(/^opened seems_down\/low by location:(us-1|eu-1)$/),
          expect.stringMatching(/^confirmed down\/high by location:(us-1|eu-1)$/),
          expect.stringMatching(/^recovered down\/high by location:(us-1|eu-1)$/),
        ]);
        await eventually(async () => alertsOf(down.id).length > 1, 'the webhook to receive the recovery', 10_000);
        expect(alertsOf(down.id)).toEqual(['outage_confirmed', 'outage_recovered']);
        // The notifier marks a delivery after the webhook answered: the row may lag the request by a commit.
        const outboxLines = async () =>
          (await api(listNotifications, { query: { event_id: down.id } })).data.map((n) => `${n.kind} ${n.status} ${n.attempt_count}`).sort();
        await eventually(async () => (await outboxLines()).every((line) => !line.includes(' pending ')), 'both deliveries to be recorded', 10_000);
        expect(await outboxLines()).toEqual(['outage_confirmed delivered 1', 'outage_recovered delivered 1']);
        const ap = (await resultsOf(api, shop.check)).filter((result) => result.location === 'ap-1');
        expect(ap.length).toBeGreaterThanOrEqual(3);
        expect(ap.every((result) => result.ok)).toBe(true);
      },
      240_000,
    );

    scenario(
      'ends an outage that one location sees alone as a false alarm, and alerts no one',
      async ({ api }) => {
        await evaluatorRuns;
        const blog = site('Blog');
        target.fail(blog.path, ['ap-1']);

        const suspected = await untilOpenEvent(api, blog, 'an event, suspected', (e) => e.type === 'seems_down', 3 * INTERVAL_MS);
        // ap-1 counts as failing (past its threshold), yet one location is no quorum.
        await untilStrikes(api, blog, ['ap-1'], 3);
        expect((await locationsOf(api, blog.check)).get('ap-1')).toMatchObject({ failing: true });
        expect((await eventsOf(api, blog.check)).find((e) => e.id === suspected.id)).toMatchObject({ type: 'seems_down', severity: 'low', state: 'open' });

        target.fail(blog.path, []);
        const closed = await untilEvent(api, blog, suspected.id, 'the event closed', (e) => e.state === 'closed', 3 * INTERVAL_MS);
        expect(closed).toMatchObject({ id: suspected.id, type: 'seems_down', severity: 'low', resolution_reason: 'false_alarm' });
        expect(await transitionsOf(api, closed.id)).toEqual(['opened seems_down/low by location:ap-1', 'false_alarm seems_down/low by location:ap-1']);
        // Outbox rows are written with the event change: none now means none ever.
        expect((await api(listNotifications, { query: { event_id: suspected.id } })).data).toEqual([]);
        expect(webhook.alerts(blog.site.id)).toEqual([]);
      },
      240_000,
    );

    scenario(
      `raises runner_offline for a runner killed with SIGKILL (${SILENCED}, before the first scenario), shows it stale, and closes the event once it is back`,
      async (fleet) => {
        const { api, admin } = fleet;
        await evaluatorRuns;
        // From the kill: it happened before the other scenarios, whose time counts.
        const sinceKill = () => Date.now() - silencedAt;

        let offline: Event | undefined;
        await eventually(
          async () => {
            offline = (await api(listEvents, { query: { type: 'runner_offline' } })).data.find((e) => e.location === SILENCED && e.state === 'open');
            return offline !== undefined;
          },
          `a runner_offline event for ${SILENCED}`,
          Math.max(10_000, (STALE_AFTER_S + 30) * 1000 - sinceKill()),
          1_000,
        );
        const event = offline as Event;
        expect(event).toMatchObject({ type: 'runner_offline', location: SILENCED, check_id: null, severity: 'warning' });
        await eventually(async () => alertsOf(event.id).length > 0, 'the webhook to receive the runner alert', 10_000);

        // One staleness rule: the API says stale as soon as (in fact before) runner_offline is open.
        expect(await admin(getRunner, { params: { slug: SILENCED } })).toMatchObject({ stale: true });
        for (const slug of LOCATIONS) expect(await admin(getRunner, { params: { slug } })).toMatchObject({ stale: false });

        await fleet.restartRunner(SILENCED);
        await eventually(
          async () => (await api(listEvents, { query: { type: 'runner_offline' } })).data.some((e) => e.id === event.id && e.resolution_reason === 'recovered'),
          'the runner_offline event to close as recovered',
          30_000,
          1_000,
        );
        await eventually(async () => !(await admin(getRunner, { params: { slug: SILENCED } })).stale, `${SILENCED} to be seen again`, 10_000);
        await eventually(async () => alertsOf(event.id).length > 1, `the webhook to hear ${SILENCED} is back`, 10_000);
        expect(alertsOf(event.id)).toEqual(['runner_offline', 'runner_recovered']);
      },
      300_000,
    );
  });
} else {
  describe('Vigil as separate processes on PostgreSQL', () => {
    it.todo('needs TEST_DATABASE_URL: several processes cannot share an embedded PGlite database');
  });
}
