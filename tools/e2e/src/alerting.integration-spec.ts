// Alerting end to end through the real pieces on one database: the controller's management API
// (sites, checks, channels, maintenance windows, and reading events and the outbox back), three
// runners reporting rounds through the runner API, the evaluator after each round, and the
// notifier delivering to a loopback receiver of each channel type.
import {
  createCheck,
  createMaintenanceWindow,
  createNotificationChannel,
  createSite,
  getCheck,
  getEvent,
  getNotification,
  getSite,
  listEvents,
  listNotifications,
  type ResponseOf,
} from '@vigil/contracts';
import { type ControllerHarness, createControllerHarness, type HarnessRunner } from '@vigil/controller/testing';
import { testDatabaseKinds } from '@vigil/db/testing';
import { type DeliverOptions, deliverDue, verifyWebhookSignature } from '@vigil/delivery';
import { mimeParts, type ReceivedRequest } from '@vigil/delivery/testing';
import { evaluatePending } from '@vigil/evaluation';
import { createCapturedLogger } from '@vigil/logger/testing';
import { type RouteCaller, routeCaller } from './support/alerting-api';
import { ALERT_RECIPIENT, ALERT_SENDER, type AlertReceivers, PAGERDUTY_ROUTING_KEY, startAlertReceivers, WEBHOOK_SECRET } from './support/alerting-receivers';
import { ALERTING_LOCATIONS, addAlertingRunners, PASS, reportRound, type Round, roundClock } from './support/alerting-rounds';

type Site = ResponseOf<typeof createSite>;
type Check = ResponseOf<typeof createCheck>;
type Notification = ResponseOf<typeof listNotifications>['data'][number];

const header = (request: ReceivedRequest, name: string): string | undefined => {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
};

describe.each(testDatabaseKinds())('alerting end to end on %s', (kind) => {
  let harness: ControllerHarness;
  let runners: HarnessRunner[];
  let receivers: AlertReceivers;
  let api: RouteCaller;
  const evaluatorLog = createCapturedLogger({ level: 'info' });
  const notifierLog = createCapturedLogger({ level: 'warn' });

  beforeAll(async () => {
    harness = await createControllerHarness(kind);
    runners = await addAlertingRunners(harness);
    receivers = await startAlertReceivers();
    api = routeCaller(harness.app, () => harness.admin);
  });
  afterAll(async () => {
    await receivers?.close();
    await harness?.dispose();
  });
  beforeEach(() => receivers.reset());

  const evaluate = (readOnly = false) => evaluatePending(harness.db, { maxChecks: 50, readOnly, logger: evaluatorLog.logger });
  const deliver = (options: Partial<DeliverOptions> = {}) => deliverDue(harness.db, { logger: notifierLog.logger, context: receivers.context, secretKeys: harness.secretKeys, ...options });

  /** A site with one http check run from the three locations: down once 2 of them failed twice in a row. */
  async function monitoredSite(name: string, channels: (siteId: string) => ReturnType<AlertReceivers['channels']> = () => []) {
    const site = await api(createSite, { body: { name } });
    const check = await api(createCheck, {
      body: {
        site_id: site.id,
        type: 'http',
        name: `${name} health`,
        target: `https://${site.slug}.example/health`,
        spec: { expected_statuses: [200] },
        interval_s: 3600,
        timeout_ms: 5_000,
        locations: [...ALERTING_LOCATIONS],
        failing_threshold: 2,
        passing_threshold: 1,
        failing_locations_threshold: 2,
      },
    });
    for (const body of channels(site.id)) await api(createNotificationChannel, { body });
    const clock = roundClock();
    /** Reports round `index` from the three runners, without evaluating it. */
    const report = (index: number, round: Round) => reportRound(harness, runners, check.id, round, (location) => clock(index, location));
    return {
      site,
      check,
      /** When `location` (an index of ALERTING_LOCATIONS) checked in round `round`, as the API writes it. */
      at: (round: number, location: number) => clock(round, location).toISOString(),
      report,
      /** Reports round `index`, then runs the evaluator once. */
      play: async (index: number, round: Round) => {
        await report(index, round);
        return evaluate();
      },
    };
  }

  async function statuses(site: Site, check: Check) {
    const [c, s] = [await api(getCheck, { params: { id: check.id } }), await api(getSite, { params: { id: site.id } })];
    return { check: c.status, site: s.status };
  }
  const eventsOf = async (check: Check) => (await api(listEvents, { query: { check_id: check.id } })).data;
  const notificationsOf = async (site: Site) => (await api(listNotifications, { query: { site_id: site.id, limit: 100 } })).data;
  const transitionsOf = async (eventId: string) =>
    (await api(getEvent, { params: { id: eventId } })).transitions.map((t) => ({
      reason: t.reason,
      from: [t.state_before, t.severity_before],
      to: [t.state_after, t.severity_after],
      source: t.source,
      at: t.at,
    }));
  const outbox = (rows: Notification[]) => rows.map((n) => `${n.channel.type}:${n.kind}:${n.status}:${n.attempt_count}`).sort();
  const nothingReceived = () => ({
    webhook: receivers.webhook.requests.length,
    slack: receivers.slack.requests.length,
    pagerDuty: receivers.pagerDuty.requests.length,
    email: receivers.smtp.mails.length,
  });

  it('takes a quorum outage from seems_down to down to recovered: one event, its audit trail, and every channel told twice', async () => {
    const { site, check, at, play } = await monitoredSite('Shop', (siteId) => receivers.channels([siteId], 'shop'));

    expect(await play(0, PASS)).toMatchObject({ checks: 1, results: 3, transitions: 0 });
    expect(await statuses(site, check)).toEqual({ check: 'up', site: 'up' });
    expect(await eventsOf(check)).toEqual([]);

    // eu-1 and us-1 fail once: suspected, from eu-1's failure on.
    expect(await play(1, [false, false, true])).toMatchObject({ results: 3, transitions: 1 });
    expect(await statuses(site, check)).toEqual({ check: 'seems_down', site: 'seems_down' });
    const [suspected, ...noOther] = await eventsOf(check);
    expect(noOther).toEqual([]);
    expect(suspected).toMatchObject({
      site_id: site.id,
      check_id: check.id,
      type: 'seems_down',
      state: 'open',
      severity: 'low',
      started_at: at(1, 0),
      ended_at: null,
      resolution_reason: null,
    });
    const opened = { reason: 'opened', from: [null, null], to: ['seems_down', 'low'], source: 'location:eu-1', at: at(1, 0) };
    expect(await transitionsOf(suspected.id)).toEqual([opened]);
    // No channel asked to hear of suspicions.
    expect(await notificationsOf(site)).toEqual([]);
    expect(await deliver()).toMatchObject({ claimed: 0 });

    // Both fail again: us-1's second failure makes two failing locations, the quorum.
    expect(await play(2, [false, false, true])).toMatchObject({ results: 3, transitions: 1 });
    expect(await statuses(site, check)).toEqual({ check: 'down', site: 'down' });
    const [down, ...stillNoOther] = await eventsOf(check);
    expect(stillNoOther).toEqual([]);
    expect(down).toMatchObject({ id: suspected.id, type: 'down', state: 'open', severity: 'high', started_at: at(1, 0), ended_at: null });
    expect(down.metadata).toMatchObject({ location: 'us-1', status_code: 503, error_code: 'unexpected_status' });
    expect([...(down.metadata['failing_locations'] as string[])].sort()).toEqual(['eu-1', 'us-1']);
    const confirmed = { reason: 'confirmed', from: ['seems_down', 'low'], to: ['down', 'high'], source: 'location:us-1', at: at(2, 1) };
    expect(await transitionsOf(down.id)).toEqual([opened, confirmed]);
    const confirmations = await notificationsOf(site);
    expect(outbox(confirmations)).toEqual(['email', 'pagerduty', 'slack', 'webhook'].map((type) => `${type}:outage_confirmed:pending:0`));
    expect(confirmations.every((n) => n.event_id === down.id)).toBe(true);

    expect(await deliver()).toMatchObject({ claimed: 4, delivered: 4 });
    expect(outbox(await notificationsOf(site))).toEqual(['email', 'pagerduty', 'slack', 'webhook'].map((type) => `${type}:outage_confirmed:delivered:1`));

    // Every location passes: eu-1's pass leaves one failing location, below the quorum.
    expect(await play(3, PASS)).toMatchObject({ results: 3, transitions: 1 });
    expect(await statuses(site, check)).toEqual({ check: 'up', site: 'up' });
    const [recovered, ...noneAfter] = await eventsOf(check);
    expect(noneAfter).toEqual([]);
    expect(recovered).toMatchObject({ id: down.id, type: 'down', state: 'closed', started_at: at(1, 0), ended_at: at(3, 0), resolution_reason: 'recovered' });
    const closed = { reason: 'recovered', from: ['down', 'high'], to: ['down', 'high'], source: 'location:eu-1', at: at(3, 0) };
    expect(await transitionsOf(recovered.id)).toEqual([opened, confirmed, closed]);
    expect(outbox(await notificationsOf(site))).toEqual(
      ['email', 'pagerduty', 'slack', 'webhook'].flatMap((type) => [`${type}:outage_confirmed:delivered:1`, `${type}:outage_recovered:pending:0`]),
    );
    expect(await deliver()).toMatchObject({ claimed: 4, delivered: 4 });
    expect(await deliver()).toMatchObject({ claimed: 0 });

    const rows = await notificationsOf(site);
    expect(rows.every((n) => n.status === 'delivered' && n.event_id === recovered.id)).toBe(true);
    const keyOf = (type: string, kind: string) => rows.find((n) => n.channel.type === type && n.kind === kind)?.idempotency_key;
    expect(new Set(rows.map((n) => n.idempotency_key)).size).toBe(8);

    // The webhook: signed with the channel's secret, keyed as the outbox row, the event as it stood.
    const hooks = receivers.webhook.requests;
    expect(hooks.map((r) => [r.method, r.path])).toEqual([
      ['POST', '/hooks/vigil'],
      ['POST', '/hooks/vigil'],
    ]);
    for (const request of hooks) {
      const timestamp = header(request, 'X-Vigil-Timestamp');
      const signature = header(request, 'X-Vigil-Signature');
      expect(verifyWebhookSignature(WEBHOOK_SECRET, timestamp, request.body, signature)).toEqual({ valid: true });
      expect(verifyWebhookSignature(`${WEBHOOK_SECRET}-not`, timestamp, request.body, signature)).toEqual({ valid: false, reason: 'mismatch' });
    }
    expect(hooks.map((r) => header(r, 'Idempotency-Key'))).toEqual([keyOf('webhook', 'outage_confirmed'), keyOf('webhook', 'outage_recovered')]);
    const [hookDown, hookUp] = hooks.map((r) => JSON.parse(r.body));
    const payloadCheck = { uuid: check.id, name: 'Shop health', type: 'http', target: `https://${site.slug}.example/health` };
    expect(hookDown).toMatchObject({
      idempotency_key: keyOf('webhook', 'outage_confirmed'),
      kind: 'outage_confirmed',
      event: { uuid: down.id, type: 'down', severity: 'high', started_at: at(1, 0), ended_at: null, resolution_reason: null },
      check: payloadCheck,
      site: { uuid: site.id, name: 'Shop' },
      locations: { reporting: 'us-1' },
    });
    expect([...hookDown.locations.failing].sort()).toEqual(['eu-1', 'us-1']);
    expect(hookUp).toMatchObject({
      idempotency_key: keyOf('webhook', 'outage_recovered'),
      kind: 'outage_recovered',
      event: { uuid: down.id, type: 'down', started_at: at(1, 0), ended_at: at(3, 0), resolution_reason: 'recovered' },
      check: payloadCheck,
      locations: { reporting: 'eu-1' },
    });

    // Slack: a readable line each, details in the blocks.
    const subject = `Shop (https://${site.slug}.example/health)`;
    const slack = receivers.slack.requests.map((r) => JSON.parse(r.body));
    expect(slack.map((b) => b.text)).toEqual([`:red_circle: DOWN: ${subject}`, `:large_green_circle: Recovered: ${subject}`]);
    expect(slack.map((b) => b.blocks[0].text.text)).toEqual([`DOWN: ${subject}`, `Recovered: ${subject}`]);
    expect(slack[0].blocks[1].text.text).toContain('Failing from: ');
    expect(slack[1].blocks[1].text.text).toContain(`Ended: ${at(3, 0)} after 2m`);
    for (const body of slack) expect(body.blocks[1].text.text).toContain(`Event id: ${down.id}`);

    // PagerDuty: one incident, triggered then resolved, keyed by the event.
    const pages = receivers.pagerDuty.requests.map((r) => JSON.parse(r.body));
    expect(receivers.pagerDuty.requests.map((r) => r.path)).toEqual(['/v2/enqueue', '/v2/enqueue']);
    expect(pages.map((p) => [p.event_action, p.dedup_key, p.routing_key])).toEqual([
      ['trigger', down.id, PAGERDUTY_ROUTING_KEY],
      ['resolve', down.id, PAGERDUTY_ROUTING_KEY],
    ]);
    expect(pages[0].payload).toMatchObject({ summary: `DOWN: ${subject}`, severity: 'critical', timestamp: at(1, 0) });

    // Email: text and HTML, to the channel's recipient, from the notifier's address.
    const mails = receivers.smtp.mails;
    expect(mails.map((m) => [m.from, m.to])).toEqual([
      [ALERT_SENDER, [ALERT_RECIPIENT]],
      [ALERT_SENDER, [ALERT_RECIPIENT]],
    ]);
    const parts = mails.map((m) => mimeParts(m.raw));
    expect(parts.map((p) => p['text/plain'].split(/\r?\n/)[0])).toEqual([`DOWN: ${subject}`, `Recovered: ${subject}`]);
    for (const p of parts) expect(p['text/plain']).toContain(`Event id: ${down.id}`);
    expect(parts.map((p) => /<h2>(.*)<\/h2>/.exec(p['text/html'])?.[1])).toEqual([`DOWN: ${subject}`, `Recovered: ${subject}`]);
  });

  it('closes a blip at one location as a false alarm and tells no one', async () => {
    const { site, check, at, play } = await monitoredSite('Blog', (siteId) => receivers.channels([siteId], 'blog'));
    await play(0, PASS);

    // us-1 alone fails twice: failing, but one location is not the quorum.
    await play(1, [true, false, true]);
    await play(2, [true, false, true]);
    expect(await statuses(site, check)).toEqual({ check: 'seems_down', site: 'seems_down' });
    await play(3, PASS);

    expect(await statuses(site, check)).toEqual({ check: 'up', site: 'up' });
    const events = await eventsOf(check);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'seems_down', state: 'closed', started_at: at(1, 1), ended_at: at(3, 1), resolution_reason: 'false_alarm' });
    expect(await transitionsOf(events[0].id)).toEqual([
      { reason: 'opened', from: [null, null], to: ['seems_down', 'low'], source: 'location:us-1', at: at(1, 1) },
      { reason: 'false_alarm', from: ['seems_down', 'low'], to: ['seems_down', 'low'], source: 'location:us-1', at: at(3, 1) },
    ]);
    expect(await notificationsOf(site)).toEqual([]);
    expect(await deliver()).toMatchObject({ claimed: 0 });
    expect(nothingReceived()).toEqual({ webhook: 0, slack: 0, pagerDuty: 0, email: 0 });
  });

  it('opens nothing and tells no one while a maintenance window covers the site, and logs the suppression', async () => {
    // Channels that want even suspicions: still nothing may reach them.
    const { site, check, play } = await monitoredSite('Billing', (siteId) => receivers.channels([siteId], 'billing', { eager: true }));
    const now = Date.now();
    const window = await api(createMaintenanceWindow, {
      body: { site_id: site.id, starts_at: new Date(now - 3_600_000).toISOString(), ends_at: new Date(now + 3_600_000).toISOString(), reason: 'database upgrade' },
    });
    expect(window).toMatchObject({ site_id: site.id, check_id: null, active: true });

    // Every location reports, so that the quorum can tell; then every location fails twice: a
    // confirmed outage, were it not for the window.
    expect(await play(0, PASS)).toMatchObject({ results: 3, transitions: 0 });
    expect(await play(1, [false, false, false])).toMatchObject({ results: 3, transitions: 0 });
    expect(await play(2, [false, false, false])).toMatchObject({ results: 3, transitions: 0 });

    expect(await statuses(site, check)).toEqual({ check: 'maintenance', site: 'maintenance' });
    expect(await eventsOf(check)).toEqual([]);
    expect(await notificationsOf(site)).toEqual([]);
    expect(await deliver()).toMatchObject({ claimed: 0 });
    expect(nothingReceived()).toEqual({ webhook: 0, slack: 0, pagerDuty: 0, email: 0 });
    const suppressed = evaluatorLog.entries().filter((e) => e['check'] === check.id && e['suppressed'] === 'in_maintenance');
    expect(suppressed.map((e) => [e['message'], e['location'], e['event']])).toEqual(
      [...ALERTING_LOCATIONS, ...ALERTING_LOCATIONS].map((location) => ['event not opened: in maintenance', location, null]),
    );
  });

  it('writes nothing in read-only mode, logs what it would have written, and a writing evaluator then does it', async () => {
    const { site, check, at, report, play } = await monitoredSite('Search', (siteId) =>
      receivers.channels([siteId], 'search').filter((channel) => channel.type === 'webhook'),
    );
    await play(0, PASS);
    // Two rounds that, evaluated, confirm an outage.
    await report(1, [false, false, true]);
    await report(2, [false, false, true]);

    const prisma = harness.db.prisma;
    const snapshot = async () => ({
      events: await prisma.siteEvent.count(),
      transitions: await prisma.eventTransition.count(),
      notifications: await prisma.notification.count(),
      unevaluated: await prisma.pendingResult.count({ where: { checkId: (await prisma.check.findUniqueOrThrow({ where: { uuid: check.id } })).id } }),
      strikes: await prisma.locationState.findMany({
        where: { check: { uuid: check.id } },
        select: { location: true, failingStrikes: true, passingStrikes: true, resolved: true, lastResultAt: true, lastOk: true },
        orderBy: { location: 'asc' },
      }),
      check: await api(getCheck, { params: { id: check.id } }),
      site: await api(getSite, { params: { id: site.id } }),
    });
    const before = await snapshot();
    expect(before.unevaluated).toBe(6);

    expect(await evaluate(true)).toEqual({ checks: 1, failed: 0, results: 6, transitions: 0 });
    expect(await snapshot()).toEqual(before);

    const logged = evaluatorLog.entries().filter((e) => e['check'] === check.id && String(e['message']).startsWith('read-only'));
    expect(logged.filter((e) => e['suppressed'] === 'read_only').map((e) => [e['message'], e['would_have']])).toEqual([
      ['read-only: open skipped', expect.objectContaining({ kind: 'open', reason: 'opened', state_after: 'seems_down', at: at(1, 0), notification: null })],
      ['read-only: upgrade skipped', expect.objectContaining({ kind: 'upgrade', reason: 'confirmed', state_after: 'down', at: at(2, 1), notification: 'outage_confirmed' })],
    ]);
    const skippedWrites = logged.filter((e) => e['message'] === 'read-only: write skipped');
    expect([...new Set(skippedWrites.map((e) => e['write']))].sort()).toEqual(['checks.status', 'location_states', 'pending_results', 'sites.status']);
    expect(skippedWrites.find((e) => e['write'] === 'checks.status')).toMatchObject({ status: 'down' });

    // The same pending results, evaluated for real: what read-only mode said it would do.
    expect(await evaluate()).toMatchObject({ checks: 1, results: 6, transitions: 2 });
    expect(await statuses(site, check)).toEqual({ check: 'down', site: 'down' });
    const [event] = await eventsOf(check);
    expect(event).toMatchObject({ type: 'down', started_at: at(1, 0) });
    expect(outbox(await notificationsOf(site))).toEqual(['webhook:outage_confirmed:pending:0']);
    expect(await deliver()).toMatchObject({ claimed: 1, delivered: 1 });
    expect(receivers.webhook.requests.map((r) => JSON.parse(r.body).kind)).toEqual(['outage_confirmed']);
  });

  it('delivers to a webhook that fails three times once the backoff has passed each time, with four attempts recorded', async () => {
    const { site, play } = await monitoredSite('Payments', (siteId) =>
      receivers.channels([siteId], 'payments').filter((channel) => channel.type === 'webhook'),
    );
    receivers.webhookAnswers.push(...[1, 2, 3].map((n) => ({ status: 500, body: `boom ${n}` })));
    await play(1, [false, false, true]);
    await play(2, [false, false, true]);
    const [row, ...others] = await notificationsOf(site);
    expect(others).toEqual([]);
    expect(row).toMatchObject({ kind: 'outage_confirmed', status: 'pending', attempt_count: 0 });

    // The notifier's clock, moved by the test: no jitter, so each wait is exactly 1 s, 2 s, 4 s.
    let now = Date.now();
    const backoff = { initialMs: 1_000, maxMs: 60_000 };
    const options = { now: () => new Date(now), backoff, random: () => 0.5 };
    const attemptedAt: string[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      attemptedAt.push(new Date(now).toISOString());
      expect(await deliver(options)).toMatchObject({ claimed: 1, retrying: 1 });
      const waiting = await api(getNotification, { params: { id: row.id } });
      expect(waiting).toMatchObject({ status: 'pending', attempt_count: attempt, last_error: expect.stringContaining('500'), delivered_at: null });
      const due = Date.parse(waiting.next_attempt_at ?? '');
      expect(due - now).toBe(backoff.initialMs * 2 ** (attempt - 1));
      now = due - 1;
      expect(await deliver(options)).toMatchObject({ claimed: 0 });
      now = due;
    }
    attemptedAt.push(new Date(now).toISOString());
    expect(await deliver(options)).toMatchObject({ claimed: 1, delivered: 1 });
    now += 3_600_000;
    expect(await deliver(options)).toMatchObject({ claimed: 0 });

    const detail = await api(getNotification, { params: { id: row.id } });
    expect(detail).toMatchObject({ status: 'delivered', attempt_count: 4, next_attempt_at: null, delivered_at: attemptedAt[3] });
    expect(detail.attempts.map((a) => [a.at, a.ok, a.status_code, a.response_excerpt])).toEqual([
      [attemptedAt[0], false, 500, 'boom 1'],
      [attemptedAt[1], false, 500, 'boom 2'],
      [attemptedAt[2], false, 500, 'boom 3'],
      [attemptedAt[3], true, 200, 'ok'],
    ]);

    const requests = receivers.webhook.requests;
    expect(requests).toHaveLength(4);
    expect(requests.map((r) => header(r, 'Idempotency-Key'))).toEqual(Array(4).fill(row.idempotency_key));
    requests.forEach((request, index) => {
      const timestamp = header(request, 'X-Vigil-Timestamp');
      expect(timestamp).toBe(String(Math.floor(Date.parse(attemptedAt[index]) / 1000)));
      const signed = verifyWebhookSignature(WEBHOOK_SECRET, timestamp, request.body, header(request, 'X-Vigil-Signature'), { now: new Date(attemptedAt[index]) });
      expect(signed).toEqual({ valid: true });
    });
  });
});
