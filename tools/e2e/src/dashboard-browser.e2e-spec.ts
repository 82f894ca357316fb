// The dashboard in a real browser (Debian's headless Chromium): a person logs in with an API key,
// watches a check's grid turn red once its probes fail, opens the outage's event and sees the
// public status page change. The controller runs in process on the embedded database; three
// runners report through the runner API and the evaluator runs after each round, as in
// alerting.integration-spec.ts. Screenshots of every step are left in tmp/screenshots/.
import { createApiKey, createCheck, createMaintenanceWindow, createNotificationChannel, createSite, revokeApiKey } from '@vigil/contracts';
import type { ControllerHarness, HarnessRunner } from '@vigil/controller/testing';
import { deliverDue } from '@vigil/delivery';
import { evaluatePending } from '@vigil/evaluation';
import { createCapturedLogger } from '@vigil/logger/testing';
import type { Page } from 'playwright-core';
import type { Browser } from './browser/chromium';
import { launchDashboardBrowser } from './browser/dashboard-setup';
import { recordPageProblems } from './browser/page-problems';
import { screenshotter } from './browser/screenshots';
import { type ServedApp, serveApp } from './browser/served-app';
import { type RouteCaller, routeCaller } from './support/alerting-api';
import { type AlertReceivers, startAlertReceivers } from './support/alerting-receivers';
import { addAlertingRunners, PASS, reportRound, type Round, roundClock } from './support/alerting-rounds';

// Long enough for a poll (every 5 s) on a loaded machine.
const SEEN_WITHIN_MS = 20_000;

describe('the dashboard in headless Chromium', () => {
  let harness: ControllerHarness;
  let runners: HarnessRunner[];
  let served: ServedApp;
  let browser: Browser;
  let api: RouteCaller;
  let receivers: AlertReceivers;
  const quietLog = createCapturedLogger({ level: 'warn' });

  beforeAll(async () => {
    ({ browser, harness } = await launchDashboardBrowser());
    runners = await addAlertingRunners(harness);
    receivers = await startAlertReceivers();
    served = await serveApp(harness.app);
    api = routeCaller(harness.app, () => harness.admin);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await receivers?.close();
    await harness?.dispose();
  });

  /** A key with the read scope only: all the dashboard needs. */
  async function readKey(name: string) {
    return api(createApiKey, { body: { name, scopes: ['read'] } });
  }

  async function logIn(page: Page, key: string) {
    await page.goto(`${served.url}/`);
    await page.waitForURL(/\/login$/);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/sites$/);
  }

  it('shows a check going down in its grid, the event with its transitions, and the status page saying so', async () => {
    const shot = screenshotter('dashboard-outage');
    const site = await api(createSite, { body: { name: 'Shop', public_status_page: true } });
    const check = await api(createCheck, {
      body: {
        site_id: site.id,
        type: 'http',
        name: 'Shop home',
        target: `https://${site.slug}.example/`,
        spec: { expected_statuses: [200] },
        interval_s: 60,
        locations: runners.map((r) => r.slug),
        failing_threshold: 2,
        passing_threshold: 1,
        failing_locations_threshold: 2,
      },
    });
    const [webhook] = receivers.channels([site.id], 'shop').filter((channel) => channel.type === 'webhook');
    await api(createNotificationChannel, { body: webhook });
    const clock = roundClock(8);
    const play = async (index: number, round: Round) => {
      await reportRound(harness, runners, check.id, round, (location) => clock(index, location));
      await evaluatePending(harness.db, { maxChecks: 50, readOnly: false, logger: quietLog.logger });
    };
    // The notifier, without waiting between attempts.
    const deliver = () => deliverDue(harness.db, { logger: quietLog.logger, context: receivers.context, secretKeys: harness.secretKeys, backoff: { initialMs: 1, maxMs: 1 }, random: () => 0.5 });
    await play(0, PASS);
    await play(1, PASS);
    const key = await readKey('dashboard browser test');

    const page = await browser.context.newPage();
    const problems = recordPageProblems(page);

    // Not logged in: the dashboard asks for a key.
    await page.goto(`${served.url}/`);
    await page.waitForURL(/\/login$/);
    await page.getByLabel('API key').waitFor();
    await shot(page, 'login');

    // A wrong key is refused on the form, a right one logs in.
    await page.getByLabel('API key').fill('vk_not-a-real-key');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'refused' }).waitFor();
    await shot(page, 'login-refused');
    await page.getByLabel('API key').fill(key.key);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/sites$/);
    const siteRow = page.locator('#sites tbody tr', { has: page.locator(`a[data-site-id="${site.id}"]`) });
    await siteRow.locator('[data-status="up"]').waitFor();
    await shot(page, 'sites-up');

    // Site → check: every location passed so far.
    await page.locator(`a[data-site-id="${site.id}"]`).click();
    await page.waitForURL(new RegExp(`/sites/${site.id}$`));
    await page.locator(`a[data-check-id="${check.id}"]`).click();
    await page.waitForURL(new RegExp(`/checks/${check.id}$`));
    const gridRow = (location: string) => page.locator(`#grid tr[data-location="${location}"]`);
    for (const runner of runners) await gridRow(runner.slug).locator('td[data-state="ok"]').nth(1).waitFor();
    expect(await page.locator('#grid td[data-state="fail"]').count()).toBe(0);
    expect(await page.locator('#latency svg polyline').count()).toBe(3);
    expect(await page.locator('#open-events a[data-event-id]').count()).toBe(0);
    await shot(page, 'check-up');

    // The public status page, before anything happens.
    const statusPage = await browser.context.newPage();
    const statusAnswer = await statusPage.goto(`${served.url}/status/${site.slug}`);
    expect(statusAnswer?.status()).toBe(200);
    const banner = statusPage.locator('.banner');
    expect(await banner.textContent()).not.toMatch(/outage|\bdown\b/i);
    await shot(statusPage, 'status-page-up');

    // eu-1 and us-1 fail twice: the quorum (2 of 3) confirms an outage. The page, left open, sees it.
    await play(2, [false, false, true]);
    await play(3, [false, false, true]);
    // The webhook receiver is down at the first attempt and answers the second.
    receivers.webhookAnswers.push({ status: 500, body: 'receiver down' });
    expect(await deliver()).toMatchObject({ claimed: 1, retrying: 1 });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await deliver()).toMatchObject({ claimed: 1, delivered: 1 });
    await page.locator('.page-title [data-status="down"]').waitFor({ timeout: SEEN_WITHIN_MS });
    for (const location of ['eu-1', 'us-1']) expect(await gridRow(location).locator('td[data-state="fail"]').count()).toBe(2);
    expect(await gridRow('ap-1').locator('td[data-state="fail"]').count()).toBe(0);
    const failedCell = gridRow('eu-1').locator('td[data-state="fail"]').last();
    expect(await failedCell.getAttribute('title')).toMatch(/failed · 503 · 42 ms · unexpected_status: expected 200, got 503/);
    const strikes = page.locator('#strikes tr[data-location="eu-1"]');
    expect(await strikes.textContent()).toContain('failing');
    expect(await strikes.textContent()).toContain('2 / 2');
    expect(await page.locator('#latency .chart-failure').count()).toBe(4);
    await page.locator('#open-events a[data-event-id]').waitFor();
    await shot(page, 'check-down');

    // On a phone the page does not scroll sideways: wide parts (the grid, tables) scroll in their own box.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth')).toBe(true);
    await shot(page, 'check-down-phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    // The event: opened by eu-1's first failure, confirmed by us-1's second.
    await page.locator('#open-events a[data-event-id]').click();
    await page.waitForURL(/\/events\/[0-9a-f-]{36}$/);
    await page.locator('#transitions tr[data-reason="confirmed"]').waitFor();
    const transitions = await page.locator('#transitions tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-reason')));
    expect(transitions).toEqual(['opened', 'confirmed']);
    expect(await page.locator('#transitions tbody tr[data-reason="opened"]').textContent()).toContain('location:eu-1');
    expect(await page.locator('#transitions tbody tr[data-reason="confirmed"]').textContent()).toContain('location:us-1');
    expect(await page.locator('#cause').textContent()).toContain('unexpected_status');
    const notification = page.locator('#notifications article');
    expect(await notification.count()).toBe(1);
    expect(await notification.locator('h3').textContent()).toMatch(/outage confirmed → shop webhook \(webhook\)\s*delivered/);
    const attempts = await notification.locator('tbody tr').evaluateAll((rows) => rows.map((row) => [...row.children].map((cell) => cell.textContent)));
    expect(attempts.map(([n, , result, status, , answer]) => [n, result, status, answer])).toEqual([
      ['1', 'failed', '500', expect.stringContaining('receiver down')],
      ['2', 'delivered', '200', 'ok'],
    ]);
    await shot(page, 'event');

    // The status page, reloaded (it may be cached for 30 s), says the site is down.
    await statusPage.reload();
    expect(await banner.textContent()).toMatch(/outage|\bdown\b/i);
    await shot(statusPage, 'status-page-down');

    // Runners and maintenance pages draw from the same key.
    await page.getByRole('link', { name: 'Runners' }).click();
    await page.locator('#main tr[data-runner="eu-1"]').waitFor();
    expect(await page.locator('#main tr[data-runner]').count()).toBe(3);
    await shot(page, 'runners');
    await page.getByRole('link', { name: 'Maintenance' }).click();
    await page.locator('#active-windows').waitFor();
    await shot(page, 'maintenance');

    // Logging out forgets the key.
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/login$/);
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await page.goto(`${served.url}/sites`);
    await page.waitForURL(/\/login$/);
    await shot(page, 'logged-out');

    // Nothing broke on the way: no script error, no refused inline code (CSP), no failed request
    // but the wrong key's 401.
    expect(problems.filter((p) => !p.includes('status of 401'))).toEqual([]);
    await statusPage.close();
    await page.close();
  });

  it('shows a check nobody can see as No data, never Up, and an unknown spell with the runner outage that caused it', async () => {
    const shot = screenshotter('dashboard-unknown');
    const site = await api(createSite, { body: { name: 'Quiet shop', public_status_page: true } });
    const check = await api(createCheck, {
      body: { site_id: site.id, type: 'http', name: 'Quiet home', target: `https://${site.slug}.example/`, interval_s: 60, locations: ['eu-1', 'us-1'] },
    });
    // As the evaluator leaves things when eu-1 goes silent and the check has too few fresh locations.
    const { prisma } = harness.db;
    const siteRow = await prisma.site.findUniqueOrThrow({ where: { uuid: site.id } });
    const checkRow = await prisma.check.findUniqueOrThrow({ where: { uuid: check.id } });
    const started = Date.now() - 10 * 60_000;
    const offline = await prisma.siteEvent.create({
      data: { siteId: siteRow.id, eventType: 'runner_offline', severity: 'warning', location: 'eu-1', startedAt: new Date(started) },
    });
    const spell = await prisma.siteEvent.create({
      data: { siteId: siteRow.id, checkId: checkRow.id, checkType: 'http', eventType: 'unknown', severity: 'low', startedAt: new Date(started + 60_000), causeEventId: offline.id },
    });
    await prisma.eventTransition.create({
      data: { eventId: spell.id, siteId: siteRow.id, stateAfter: 'unknown', severityAfter: 'low', reason: 'opened', source: 'system', at: new Date(started + 60_000), metadata: { stale_locations: ['eu-1', 'us-1'] } },
    });
    // The check's own status says up (the sweep has not run yet): the badge must not believe it.
    await prisma.check.update({ where: { id: checkRow.id }, data: { status: 'up' } });
    await prisma.site.update({ where: { id: siteRow.id }, data: { status: 'unknown', lastStatusChangeAt: new Date(started + 60_000) } });

    const key = await readKey('dashboard unknown test');
    const page = await browser.context.newPage();
    const problems = recordPageProblems(page);
    await logIn(page, key.key);
    const siteBadge = page.locator('#sites tbody tr', { has: page.locator(`a[data-site-id="${site.id}"]`) }).locator('[data-status="unknown"]');
    expect(await siteBadge.textContent()).toBe('No data');

    await page.goto(`${served.url}/checks/${check.id}`);
    const title = page.locator('.page-title [data-status]');
    await title.waitFor();
    expect([await title.getAttribute('data-status'), await title.textContent()]).toEqual(['unknown', 'No data']);
    expect(await page.locator('.page-title [data-status="up"]').count()).toBe(0);
    expect(await page.locator('[data-fresh-count]').textContent()).toContain('0 of 2');
    for (const location of ['eu-1', 'us-1']) expect(await page.locator(`#strikes tr[data-location="${location}"]`).textContent()).toContain('stale');
    await shot(page, 'check-no-data');

    // The spell's page names its cause; the cause's page lists the spell among its effects.
    await page.locator(`#open-events a[data-event-id="${spell.uuid}"]`).click();
    await page.waitForURL(new RegExp(`/events/${spell.uuid}$`));
    await page.locator('#cause [data-cause]').waitFor();
    expect(await page.locator('h1').textContent()).toBe('No data (unknown spell)');
    const causeLink = page.locator(`#cause a[data-event-id="${offline.uuid}"]`);
    expect(await causeLink.textContent()).toBe('runner offline · open');
    expect(await page.locator('#cause [data-cause]').textContent()).toContain('at eu-1');
    expect(await page.locator('#transitions tr[data-reason="opened"]').textContent()).toContain('eu-1, us-1');
    await shot(page, 'unknown-spell');
    await causeLink.click();
    await page.waitForURL(new RegExp(`/events/${offline.uuid}$`));
    await page.locator('#cause .effects').waitFor();
    expect(await page.locator('h1').textContent()).toBe('Runner offline');
    expect(await page.locator(`#cause .effects a[data-event-id="${spell.uuid}"]`).textContent()).toBe('unknown · open');
    await shot(page, 'runner-offline');

    // The public page: no data, never operational.
    await page.goto(`${served.url}/status/${site.slug}`);
    const banner = await page.locator('.banner').textContent();
    expect(banner).toContain('No data');
    expect(banner).not.toMatch(/operational/i);
    await shot(page, 'status-page-no-data');
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows a site's maintenance, an open-ended rule in words with its next occurrences, and on a check page the windows that apply to it", async () => {
    const shot = screenshotter('dashboard-maintenance');
    const site = await api(createSite, { body: { name: 'Maintained shop' } });
    const [web, db] = await Promise.all(
      ['web', 'db'].map((name) => api(createCheck, { body: { site_id: site.id, type: 'http', name, target: `https://${name}.${site.slug}.example/`, interval_s: 60, locations: ['eu-1'] } })),
    );
    // Every Sunday 02:00-04:00 Paris time, forever, since a Sunday in 2024; the web check's own
    // one-off window next year; the db check's, which the web check's page must not list.
    const forever = await api(createMaintenanceWindow, {
      body: { site_id: site.id, starts_at: '2024-01-07T01:00:00Z', rrule: 'FREQ=WEEKLY;BYDAY=SU', timezone: 'Europe/Paris', duration_s: 7200, reason: 'weekly patching' },
    });
    const nextYear = new Date(Date.now() + 365 * 86_400_000);
    const own = await api(createMaintenanceWindow, {
      body: { site_id: site.id, check_id: web.id, starts_at: nextYear.toISOString(), ends_at: new Date(nextYear.getTime() + 3_600_000).toISOString() },
    });
    const other = await api(createMaintenanceWindow, {
      body: { site_id: site.id, check_id: db.id, starts_at: nextYear.toISOString(), ends_at: new Date(nextYear.getTime() + 3_600_000).toISOString() },
    });
    const key = await readKey('dashboard maintenance test');
    const page = await browser.context.newPage();
    const problems = recordPageProblems(page);
    await logIn(page, key.key);

    await page.goto(`${served.url}/sites/${site.id}`);
    const row = page.locator(`#site-maintenance tr[data-window-id="${forever.id}"]`);
    await row.waitFor();
    expect(await row.locator('[data-rrule]').textContent()).toBe('repeats every week on Sunday at 2 AM (Europe/Paris), 2 h each · no end');
    const starts = await row.locator('.occurrences li').evaluateAll((items) => items.map((item) => item.getAttribute('data-starts-at')));
    expect(starts).toEqual(forever.next_occurrences.map((o) => o.starts_at));
    expect(starts).toHaveLength(3);
    expect(await page.locator('#site-maintenance tr[data-window-id]').count()).toBe(3);
    await shot(page, 'site-maintenance');

    await page.goto(`${served.url}/checks/${web.id}`);
    await page.locator('#check-maintenance tr[data-window-id]').first().waitFor();
    const listed = await page.locator('#check-maintenance tr[data-window-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-window-id')));
    expect(listed.sort()).toEqual([forever.id, own.id].sort());
    expect(listed).not.toContain(other.id);
    expect(await page.locator(`#check-maintenance tr[data-window-id="${forever.id}"]`).textContent()).toContain('the whole site');
    await shot(page, 'check-maintenance');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('sends a user whose key is revoked back to the login form, saying why', async () => {
    const shot = screenshotter('dashboard-revoked');
    const key = await readKey('revoked while in use');
    const page = await browser.context.newPage();
    await logIn(page, key.key);
    await page.locator('#sites').waitFor();

    await api(revokeApiKey, { params: { id: key.id } });
    // The next poll is refused.
    await page.waitForURL(/\/login$/, { timeout: SEEN_WITHIN_MS });
    await page.getByRole('alert').filter({ hasText: 'refused' }).waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await shot(page, 'login-again');
    await page.close();
  });
});
