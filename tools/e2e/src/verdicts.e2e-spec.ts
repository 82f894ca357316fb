// Never "up" without knowing (issue 14), across real processes on PostgreSQL: a controller, an
// evaluator, a notifier and three runners. Two of the three runners are killed with SIGKILL, as a
// crash or the OOM killer would: the check must turn `unknown` within the freshness window, the
// public status page must stop saying Operational, uptime must leave the spell out, and nobody may
// be paged about an outage. Every assertion reads the public API, the status page or what the
// webhook receiver saw.
import { createNotificationChannel, getCheck, getPublicStatus, listEvents, updateSite } from '@vigil/contracts';
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
import { freshForMs } from '@vigil/quorum';
import { withLogs } from './support/with-logs';
import { eventually, eventsOf, INTERVAL_S, LOCATIONS, type MonitoredSite, monitoredSite, untilUp } from './processes/monitoring';

/** Short, so that runner_offline opens (and becomes the spell's cause) well before the check's locations go stale. */
const STALE_AFTER_S = 10;
/** How often the evaluator sweeps for checks whose locations went quiet, at the most (its documented period). */
const SWEEP_SLACK_MS = 10_000;

if (testDatabaseKinds({ postgres: 'semantics' }).includes('postgres')) {
  describe('a check whose locations go quiet, on PostgreSQL', () => {
    let database: TestDatabase;
    let target: LocationTarget;
    let webhook: WebhookLog;
    let fleet: Fleet | undefined;
    let shop: MonitoredSite;

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
        runners: [...LOCATIONS],
        pollIntervalMs: 250,
        runnerStaleAfterS: STALE_AFTER_S,
        logs: { logLevel: 'info', echoLines: 0, keptLines: 40 },
      });
      const { api } = fleet;
      await api(createNotificationChannel, { body: { type: 'webhook', name: 'on-call webhook', config: { url: webhook.url }, site_ids: [] } });
      shop = await monitoredSite(api, target, 'Shop');
      await api(updateSite, { params: { id: shop.site.id }, body: { public_status_page: true } });
      await untilUp(api, shop);
    }, 240_000);

    afterAll(async () => {
      await fleet?.stop();
      await Promise.all([target?.close(), webhook?.close()]);
      await database?.dispose();
    }, 60_000);

    it('turns unknown within the freshness window when two of three runners die, says so in public, pages nobody and leaves the spell out of uptime', async () => {
      const live = fleet as Fleet;
      const { api } = live;
      try {
        const window = freshForMs({ intervalS: INTERVAL_S, timeoutMs: shop.check.timeout_ms });
        const killedAt = Date.now();
        await Promise.all(['eu-1', 'ap-1'].map(async (slug) => expect(await live.runners.get(slug)?.kill('SIGKILL')).toBe('signal SIGKILL')));

        // The documented bound: the freshness window after the last result, plus one sweep.
        await eventually(
          async () => (await api(getCheck, { params: { id: shop.check.id } })).status === 'unknown',
          'the check to turn unknown',
          window + SWEEP_SLACK_MS + 15_000,
        );
        const unknownAfterMs = Date.now() - killedAt;
        expect(unknownAfterMs).toBeLessThanOrEqual(window + INTERVAL_S * 1000 + SWEEP_SLACK_MS);

        const spell = (await eventsOf(api, shop.check)).find((event) => event.type === 'unknown' && event.state === 'open');
        expect(spell).toBeDefined();
        // runner_offline opened first (STALE_AFTER_S), so the spell names it as its cause.
        const offline = (await api(listEvents, { query: { type: 'runner_offline' } })).data.filter((e) => e.state === 'open').map((e) => e.id);
        expect(offline).toContain(spell?.cause_event_id);

        const status = await api(getPublicStatus, { params: { slug: shop.site.slug } });
        expect(status.status).toBe('unknown');
        const page = await (await fetch(`${live.controllers[0].url}/status/${shop.site.slug}`)).text();
        expect(page).not.toMatch(/operational/i);

        // Back: the spell closes and its time is left out of uptime, not counted as up.
        await Promise.all(['eu-1', 'ap-1'].map((slug) => live.restartRunner(slug)));
        await untilUp(api, shop);
        await eventually(async () => (await api(getCheck, { params: { id: shop.check.id } })).status === 'up', 'the check to be up again', 3 * INTERVAL_S * 1000);
        const closed = (await eventsOf(api, shop.check)).find((event) => event.id === spell?.id);
        expect(closed).toMatchObject({ state: 'closed', resolution_reason: 'recovered' });
        const after = await api(getPublicStatus, { params: { slug: shop.site.slug } });
        expect(after.uptime['24h'].unknown_s).toBeGreaterThan(0);
        expect(after.uptime['24h'].down_s).toBe(0);

        // Nobody was told of an outage; no outage event was ever opened.
        expect((await eventsOf(api, shop.check)).filter((event) => event.type !== 'unknown')).toEqual([]);
        expect(webhook.alerts(shop.site.id).filter((alert) => alert.kind.startsWith('outage'))).toEqual([]);
        expect(live.unexpectedExits()).toEqual([]);
      } catch (error) {
        throw withLogs(error, fleet);
      }
    }, 240_000);
  });
} else {
  describe('a check whose locations go quiet, on PostgreSQL', () => {
    it.todo('needs TEST_DATABASE_URL: several processes cannot share an embedded PGlite database');
  });
}
