// A heartbeat (push) check across real processes on PostgreSQL (issue 17): a controller, an
// evaluator and a notifier, no runner. A fake cron job (a timer in the test) pings the check's URL;
// it stops: the evaluator's sweep finds the ping late and the check goes down, with exactly one
// alert; it resumes: the check recovers, with exactly one alert. Every assertion reads the API or
// what the webhook receiver saw.
import { setTimeout as sleep } from 'node:timers/promises';
import { createCheck, createNotificationChannel, createSite, getCheck, getCheckPingUrl, listCheckPings } from '@vigil/contracts';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@vigil/db/testing';
import { buildApps, CONTROLLER_API, EVALUATOR, type Fleet, NOTIFIER, startFleet, startWebhookLog, type WebhookLog, workspaceRoot } from '@vigil/processes';
import { withLogs } from './support/with-logs';
import { eventually, eventsOf } from './processes/monitoring';

/** Short, so the scenario takes seconds: the evaluator sweeps every 5 s. */
const PERIOD_S = 2;
const GRACE_S = 2;
const SWEEP_MS = 5_000;

if (testDatabaseKinds({ postgres: 'semantics' }).includes('postgres')) {
  describe('a heartbeat check whose cron job stops and resumes, on PostgreSQL', () => {
    let database: TestDatabase;
    let webhook: WebhookLog;
    let fleet: Fleet | undefined;

    beforeAll(async () => {
      const root = workspaceRoot();
      [, database, webhook] = await Promise.all([buildApps(root, [CONTROLLER_API, EVALUATOR, NOTIFIER]), createTestDatabase('postgres'), startWebhookLog()]);
      fleet = await startFleet({ root, databaseUrl: database.url ?? '', runners: [], logs: { logLevel: 'info', echoLines: 0, keptLines: 40 } });
    }, 240_000);

    afterAll(async () => {
      await fleet?.stop();
      await webhook?.close();
      await database?.dispose();
    }, 60_000);

    it('goes down with one alert when the job stops pinging, and recovers with one alert when it resumes', async () => {
      const live = fleet as Fleet;
      const { api } = live;
      let cron: NodeJS.Timeout | undefined;
      try {
        await api(createNotificationChannel, { body: { type: 'webhook', name: 'on-call webhook', config: { url: webhook.url }, site_ids: [] } });
        const site = await api(createSite, { body: { name: 'Backups' } });
        const check = await api(createCheck, { body: { site_id: site.id, type: 'heartbeat', target: 'nightly-backup', spec: { period_s: PERIOD_S, grace_s: GRACE_S } } });
        const { ping_url: path } = await api(getCheckPingUrl, { params: { id: check.id } });
        const url = `${live.controllers[0].url}${path}`;
        const fails: number[] = [];
        const job = () => {
          // As `curl -fsS -m 10 --retry 5` would, without the retries: one ping a period.
          void fetch(url, { method: 'POST', body: 'backup done', signal: AbortSignal.timeout(10_000) })
            .then((response) => (response.ok ? undefined : fails.push(response.status)))
            .catch(() => fails.push(0));
        };
        const startCron = () => {
          job();
          cron = setInterval(job, (PERIOD_S * 1000) / 2);
        };

        startCron();
        await eventually(async () => (await api(getCheck, { params: { id: check.id } })).status === 'up', 'the heartbeat to be up', 30_000);

        clearInterval(cron);
        const stoppedAt = Date.now();
        await eventually(async () => (await api(getCheck, { params: { id: check.id } })).status === 'down', 'the heartbeat to go down', 60_000);
        // Period + grace after the last ping, plus a sweep and an evaluation, plus a loaded machine's slack.
        expect(Date.now() - stoppedAt).toBeLessThan((PERIOD_S + GRACE_S) * 1000 + SWEEP_MS + 20_000);
        const [down] = await eventsOf(api, check);
        expect(down).toMatchObject({ type: 'down', state: 'open' });
        await eventually(async () => webhook.alerts(site.id).length >= 1, 'the down alert', 30_000);
        // Still down a few sweeps later: no second failure, no second alert.
        await sleep(2 * SWEEP_MS);
        expect(webhook.alerts(site.id).map((alert) => alert.kind)).toEqual(['outage_confirmed']);
        expect(await eventsOf(api, check)).toHaveLength(1);

        startCron();
        await eventually(async () => (await api(getCheck, { params: { id: check.id } })).status === 'up', 'the heartbeat to recover', 30_000);
        await eventually(async () => webhook.alerts(site.id).length >= 2, 'the recovery alert', 30_000);
        await sleep(2 * SWEEP_MS);
        clearInterval(cron);
        expect(webhook.alerts(site.id).map((alert) => alert.kind)).toEqual(['outage_confirmed', 'outage_recovered']);
        const [closed] = await eventsOf(api, check);
        expect(closed).toMatchObject({ id: down.id, state: 'closed', resolution_reason: 'recovered' });
        const pings = await api(listCheckPings, { params: { id: check.id }, query: { limit: 1 } });
        expect(pings.data[0]).toMatchObject({ kind: 'success', body: 'backup done' });
        expect(fails).toEqual([]);
        expect(live.unexpectedExits()).toEqual([]);
      } catch (error) {
        throw withLogs(error, fleet);
      } finally {
        clearInterval(cron);
      }
    }, 240_000);
  });
} else {
  describe('a heartbeat check whose cron job stops and resumes, on PostgreSQL', () => {
    it.todo('needs TEST_DATABASE_URL: several processes cannot share an embedded PGlite database');
  });
}
