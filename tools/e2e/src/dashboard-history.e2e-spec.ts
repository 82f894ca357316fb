// The dashboard's long-history views in a real browser (Debian's headless Chromium), on 40 days
// of a check's results and their rollups (support/seed-history.ts): the check page's History
// view and its grid of hourly cells, the check and site report pages with their CSV download,
// the site's SLO panel (and a budget burning fast, with its alert), the public status page's
// per-check figures, and a check with nothing measured yet. Each figure asserted is the one a
// person reads, computed by hand from the seeded history; each page is also checked on a phone
// and for console errors and failed requests. Screenshots in tmp/screenshots/.
import { readFileSync } from 'node:fs';
import { createApiKey, createCheck, createSite } from '@vigil/contracts';
import type { ControllerHarness } from '@vigil/controller/testing';
import { sweepSlo } from '@vigil/evaluation';
import { createCapturedLogger } from '@vigil/logger/testing';
import type { Page } from 'playwright-core';
import type { Browser } from './browser/chromium';
import { launchDashboardBrowser } from './browser/dashboard-setup';
import { recordPageProblems } from './browser/page-problems';
import { screenshotter } from './browser/screenshots';
import { type ServedApp, serveApp } from './browser/served-app';
import { type RouteCaller, routeCaller } from './support/alerting-api';
import { addAlertingRunners } from './support/alerting-rounds';
import { BASE_LATENCY_MS, type SeededHistory, seedHistory } from './support/seed-history';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SEEDED_DAYS = 40;
const LOCATIONS = Object.keys(BASE_LATENCY_MS);
/** As the history and the reports list them. */
const BY_NAME = [...LOCATIONS].sort();

describe('the dashboard’s history, reports and SLO in headless Chromium', () => {
  let harness: ControllerHarness;
  let served: ServedApp;
  let browser: Browser;
  let api: RouteCaller;
  let site: { id: string; slug: string };
  let check: { id: string };
  let seeded: SeededHistory;
  let key: string;
  let page: Page;
  let problems: string[];
  const now = Date.now();

  beforeAll(async () => {
    ({ browser, harness } = await launchDashboardBrowser());
    await addAlertingRunners(harness);
    served = await serveApp(harness.app);
    api = routeCaller(harness.app, () => harness.admin);
    site = await api(createSite, { body: { name: 'Archive shop', public_status_page: true, slo_target_pct: 99.9 } });
    check = await api(createCheck, {
      body: { site_id: site.id, type: 'http', name: 'Archive home', target: `https://${site.slug}.example/`, interval_s: 60, locations: LOCATIONS, export_metrics: true },
    });
    seeded = await seedHistory(harness, { siteId: site.id, checkId: check.id }, now, SEEDED_DAYS);
    key = (await api(createApiKey, { body: { name: 'history browser test', scopes: ['read'] } })).key;
    page = await browser.context.newPage();
    problems = recordPageProblems(page);
    // The pages draw their windows from the time the history was seeded at, however long the
    // run takes: an hour or a day turning mid-run would otherwise move every bar by one.
    await page.clock.setFixedTime(now);
    await page.goto(`${served.url}/login`);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/sites$/);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await harness?.dispose();
  });
  afterEach(() => {
    // No script error, no refused inline code (CSP), no failed request on any page.
    expect(problems.splice(0)).toEqual([]);
  });

  /** How many of the last `count` UTC buckets of `size` (the current one last) hold a seeded result. */
  const bucketsWithResults = (size: number, count: number) => {
    const from = (Math.floor(now / size) + 1 - count) * size;
    return new Set(seeded.results.filter((r) => r.at >= from).map((r) => Math.floor(r.at / size))).size;
  };

  /** On a phone the page does not scroll sideways: wide parts scroll in their own box. */
  async function fitsPhone(shot: (page: Page, step: string) => Promise<string>, step: string) {
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth')).toBe(true);
    await shot(page, step);
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  /** The text of a labelled fact (`<dt>label</dt><dd>…</dd>`) in `scope`. */
  const fact = (scope: string, label: string) => page.locator(`${scope} dt:text-is("${label}") + dd`).textContent();
  const numberIn = (text: string | null) => Number(/([\d.]+)/.exec(text ?? '')?.[1]);

  it("shows a check's history: uptime bars, p50 and p95 per location, and each window", async () => {
    const shot = screenshotter('dashboard-history');
    await page.goto(`${served.url}/checks/${check.id}`);
    const history = page.locator('#history');
    await history.locator('.uptime-bars li').first().waitFor();
    // The check's own settings, with its opt-in to per-check metrics.
    expect(await fact('#main', 'Prometheus metrics')).toMatch(/^exported/);

    // 24 hours, by hour: the outage two days ago is out of sight.
    expect(await history.locator('h2').textContent()).toBe('History over 24 hours');
    expect(await history.locator('.uptime-bars li').count()).toBe(24);
    // Every hour with a result is up; the current one has none before its :10 results.
    expect(await history.locator('.uptime-bars li[data-state="up"]').count()).toBe(bucketsWithResults(HOUR, 24));
    expect(await history.locator('.uptime-bars li[data-state="no_data"]').count()).toBe(24 - bucketsWithResults(HOUR, 24));
    expect(await history.locator('[data-uptime]').textContent()).toMatch(/^Uptime 100 % — \d+ results, by hour/);
    const legend = await history.locator('.legend li').allTextContents();
    expect(legend).toEqual([...BY_NAME.flatMap((l) => [`${l} p50`, `${l} p95`]), '×failed result']);
    expect(await history.locator('svg polyline').count()).toBe(6);
    const chartLabel = (await history.locator('svg.chart').getAttribute('aria-label')) ?? '';
    for (const [location, base] of Object.entries(BASE_LATENCY_MS)) {
      // p95 of each hour is its slow result when it has one: the line reaches three times the usual.
      const shape = new RegExp(`${location} p95: ${bucketsWithResults(HOUR, 24)} hours, ([\\d.]+)–([\\d.]+) ms`);
      expect(chartLabel).toMatch(shape);
      const p95 = shape.exec(chartLabel);
      expect(Number(p95?.[2])).toBeGreaterThan(2.7 * base);
    }
    await shot(page, 'check-24h');

    // 7 days: 168 hourly bars, the outage's hour half failed (its :10 results, at every location).
    await page.locator('#history-window').selectOption('7d');
    await page.waitForURL(/window=7d/);
    await history.locator('h2', { hasText: '7 days' }).waitFor();
    expect(await history.locator('.uptime-bars li').count()).toBe(168);
    const partial = history.locator('.uptime-bars li[data-state="partial"]');
    expect(await partial.count()).toBe(1);
    expect(await partial.getAttribute('title')).toMatch(/uptime 50 % \(6 results, 3 failed\)$/);
    expect(await history.locator('.uptime-bars li[data-state="down"]').count()).toBe(0);
    await shot(page, 'check-7d');
    // On a phone the 168 bars fit.
    await fitsPhone(shot, 'check-7d-phone');

    // 30 and 90 days, by UTC day: the 90-day view has nothing before the first result.
    await page.locator('#history-window').selectOption('30d');
    await history.locator('h2', { hasText: '30 days' }).waitFor();
    expect(await history.locator('.uptime-bars li').count()).toBe(30);
    expect(await history.locator('.uptime-bars li[data-state="partial"]').count()).toBe(1);
    expect(await history.locator('.uptime-bars li[data-state="up"]').count()).toBe(bucketsWithResults(DAY, 30) - 1);
    await shot(page, 'check-30d');
    await page.locator('#history-window').selectOption('90d');
    await history.locator('h2', { hasText: '90 days' }).waitFor();
    expect(await history.locator('.uptime-bars li').count()).toBe(90);
    const withData = await history.locator('.uptime-bars li:not([data-state="no_data"])').count();
    expect(withData).toBe(bucketsWithResults(DAY, 90));
    expect(withData).toBeGreaterThanOrEqual(SEEDED_DAYS);
    expect(await history.locator('svg polyline').count()).toBe(6);
    await shot(page, 'check-90d');
  });

  it('shows the grid in hourly and six-hour cells from the rollups', async () => {
    const shot = screenshotter('dashboard-rollup-grid');
    await page.goto(`${served.url}/checks/${check.id}?bucket=${HOUR}`);
    const row = (location: string) => page.locator(`#grid tr[data-location="${location}"]`);
    await row('eu-1').locator('td[data-state="ok"]').first().waitFor();
    for (const location of LOCATIONS) {
      expect(await row(location).locator('td[data-state="ok"]').count()).toBeGreaterThanOrEqual(29);
      expect(await row(location).locator('td[data-state="fail"], td[data-state="mixed"]').count()).toBe(0);
    }
    expect(await page.locator('#latency svg polyline').count()).toBe(3);
    await shot(page, 'hourly');

    // Six-hour cells reach back 7.5 days: the outage's cell is mixed at every location.
    await page.locator('#bucket').selectOption(String(6 * HOUR));
    await page.waitForURL(new RegExp(`bucket=${6 * HOUR}`));
    await row('eu-1').locator('td[data-state="mixed"]').waitFor();
    for (const location of LOCATIONS) {
      const mixed = row(location).locator('td[data-state="mixed"]');
      expect(await mixed.count()).toBe(1);
      expect(await mixed.getAttribute('title')).toMatch(/: 12 results, 1 failed$/);
    }
    await shot(page, 'six-hours');
  });

  /** Clicks the page's Download CSV button and answers the file's lines. */
  async function downloadCsv(): Promise<{ name: string; lines: string[] }> {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    const path = await download.path();
    return { name: download.suggestedFilename(), lines: readFileSync(path, 'utf8').trimEnd().split('\r\n') };
  }

  it("shows a check's report over 30 days, with its outage, latency per location and a CSV download", async () => {
    const shot = screenshotter('dashboard-check-report');
    await page.goto(`${served.url}/checks/${check.id}`);
    await page.getByRole('link', { name: 'Report' }).click();
    await page.waitForURL(new RegExp(`/checks/${check.id}/report$`));
    await page.locator('h1', { hasText: 'Report: Archive home' }).waitFor();
    // 30 minutes down in 30 days: 1 - 1800 / 2,592,000.
    expect(await fact('#main', 'Uptime')).toBe('99.930 % of 30 d counted');
    expect(await fact('#main', 'Downtime')).toBe('30 min');
    expect(await fact('#main', 'Incidents')).toBe('1 (1 started, 1 ended, 0 ongoing)');
    expect(await fact('#main', 'MTTR')).toBe('30 min');
    const rows = await page.locator('table:has(caption:text-is("Per location")) tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    expect(rows.map((r) => r[0])).toEqual(BY_NAME);
    for (const [location, , failures, inconclusive, , p50, p95] of rows) {
      const base = BASE_LATENCY_MS[location ?? ''];
      expect([failures, inconclusive]).toEqual(['1', '0']);
      expect(numberIn(p50)).toBeGreaterThan(0.95 * base);
      expect(numberIn(p50)).toBeLessThan(1.05 * base);
      expect(numberIn(p95)).toBeGreaterThan(0.95 * 3 * base);
      expect(numberIn(p95)).toBeLessThan(1.05 * 3 * base);
    }
    const days = page.locator('svg.daily-uptime rect');
    expect(await days.count()).toBe(31);
    expect(await page.locator('svg.daily-uptime rect.bar-down').count()).toBe(1);
    expect(await page.locator('#main svg.chart polyline').count()).toBe(3);
    expect(await page.locator('#main').textContent()).not.toMatch(/NaN|undefined/);
    await shot(page, 'report');
    await fitsPhone(shot, 'report-phone');

    const csv = await downloadCsv();
    expect(csv.name).toMatch(/^vigil-report-.+\.csv$/);
    expect(csv.lines[0].split(',').slice(0, 3)).toEqual(['from', 'to', 'site']);
    expect(csv.lines[0]).toContain('latency_p95_ms');
    expect(csv.lines).toHaveLength(1 + LOCATIONS.length);

    // The 7-day window: the outage two days ago is in it.
    await page.getByRole('link', { name: '7 days' }).click();
    await page.waitForURL(/days=7$/);
    await page.locator('h2', { hasText: 'The last 7 days' }).waitFor();
    expect(await fact('#main', 'Uptime')).toBe(`${(Math.floor((1 - 1800 / (7 * 86_400)) * 100_000) / 1000).toFixed(3)} % of 7 d counted`);
    await shot(page, 'report-7d');

    // 90 days of a check monitored for 40: the time before it is said, not counted as up.
    await page.getByRole('link', { name: '90 days' }).click();
    await page.locator('h2', { hasText: 'The last 90 days' }).waitFor();
    expect(await fact('#main', 'Not monitored yet')).toMatch(/^4\d d/);
    expect(await fact('#main', 'Uptime')).toMatch(/^99\.9\d\d % of 40 d( \d+ h)? counted$/);
    expect(await page.locator('svg.daily-uptime rect[height="0"]').count()).toBeGreaterThanOrEqual(48);
    expect(await page.locator('#main').textContent()).not.toMatch(/NaN|undefined|Infinity/);
    await shot(page, 'report-90d');
  });

  it('shows a check without any result yet as no data everywhere, never as up', async () => {
    const shot = screenshotter('dashboard-history-empty');
    const newSite = await api(createSite, { body: { name: 'New shop' } });
    const empty = await api(createCheck, { body: { site_id: newSite.id, type: 'http', name: 'New page', target: `https://${newSite.slug}.example/`, interval_s: 60, locations: ['eu-1'] } });
    await page.goto(`${served.url}/checks/${empty.id}?window=7d`);
    const history = page.locator('#history');
    await history.locator('.uptime-bars li').first().waitFor();
    expect(await history.locator('.uptime-bars li[data-state="no_data"]').count()).toBe(168);
    expect(await history.locator('[data-uptime]').textContent()).toMatch(/^Uptime unknown — 0 results/);
    expect(await history.locator('.empty').textContent()).toBe('No latency measured in this range yet.');
    await shot(page, 'check');
    await page.goto(`${served.url}/checks/${empty.id}/report`);
    await page.locator('h1', { hasText: 'Report: New page' }).waitFor();
    expect(await page.locator('#main').textContent()).not.toMatch(/NaN|undefined|Infinity/);
    expect(await page.locator('#main').textContent()).toContain('No results in this window.');
    expect(await page.locator('[data-daily-uptime="none"]').textContent()).toBe('No day of this window was counted yet.');
    expect(await page.locator('#main .legend').count()).toBe(0);
    await shot(page, 'report');
  });

  it("shows a site's report with its checks and a CSV download", async () => {
    const shot = screenshotter('dashboard-site-report');
    await page.goto(`${served.url}/sites/${site.id}`);
    await page.locator('.page-head').getByRole('link', { name: 'Report' }).click();
    await page.waitForURL(new RegExp(`/sites/${site.id}/report$`));
    await page.locator('h1', { hasText: 'Report: Archive shop' }).waitFor();
    expect(await fact('#main', 'Uptime')).toBe('99.930 % of 30 d counted');
    const checks = await page.locator('table:has(caption:text-is("Checks")) tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    // One incident: the time between failures is the time counted up to it and after it.
    expect(checks).toEqual([['Archive home', '99.930 %', '30 min', '0 s', '1', '30 min', '29 d 23 h']]);
    expect(await page.locator('table:has(caption:text-is("Latency per location")) tbody tr').count()).toBe(3);
    expect(await page.locator('#main').textContent()).not.toMatch(/NaN|undefined/);
    await shot(page, 'report');
    await fitsPhone(shot, 'report-phone');
    const csv = await downloadCsv();
    expect(csv.lines[0].startsWith('from,to,site,check_id')).toBe(true);
    expect(csv.lines).toHaveLength(1 + LOCATIONS.length);
  });

  it("shows the site's SLO: its objective, the error budget left and the burn rates", async () => {
    const shot = screenshotter('dashboard-slo');
    await page.goto(`${served.url}/sites/${site.id}`);
    const slo = page.locator('#slo');
    await slo.waitFor();
    expect(await fact('#slo', 'Objective')).toBe('99.9 % over 30 days');
    expect(await fact('#slo', 'Availability')).toBe('99.931 %');
    // 0.1 % of 30 days is 43.2 min; the outage spent 30 of them.
    expect(await fact('#slo', 'Error budget left')).toBe(' 30.6 % (13.2 of 43.2 min)');
    const meter = slo.getByRole('meter', { name: 'Error budget remaining' });
    expect(await meter.getAttribute('aria-valuenow')).toBe('31');
    // The bar is drawn as wide as what is left (its width set without an inline style attribute).
    const widths = await meter.evaluate((bar) => [bar.getBoundingClientRect().width, bar.firstElementChild?.getBoundingClientRect().width ?? 0]);
    expect(widths[1] / widths[0]).toBeCloseTo(0.31, 1);
    const rates = await slo.locator('table.slo-burn-rates').evaluate((t) => Object.fromEntries([...t.querySelectorAll('th')].map((th, i) => [th.textContent, t.querySelectorAll('td')[i]?.textContent])));
    // Only the 3-day window holds the outage: 30 min against 0.1 % of 3 days (4.32 min).
    expect(rates).toEqual({ '5m': '0×', '30m': '0×', '1h': '0×', '6h': '0×', '3d': '6.94×' });
    expect(await fact('#slo', 'Burn alert')).toBe('none open');
    await shot(page, 'site');
    await fitsPhone(shot, 'site-phone');
  });

  it('shows a budget burning fast: the alert the SLO job opened, the burn rates, and its event', async () => {
    const shot = screenshotter('dashboard-slo-burn');
    // A site down for the last 20 minutes, monitored for 40 days: 1000× over 5 minutes, 333× over the hour.
    const burning = await api(createSite, { body: { name: 'Burning shop', slo_target_pct: 99.9 } });
    const burningCheck = await api(createCheck, { body: { site_id: burning.id, type: 'http', target: `https://${burning.slug}.example/`, interval_s: 60, locations: ['eu-1'] } });
    const { prisma } = harness.db;
    const siteRow = await prisma.site.findUniqueOrThrow({ where: { uuid: burning.id } });
    const checkRow = await prisma.check.findUniqueOrThrow({ where: { uuid: burningCheck.id } });
    const downSince = new Date(Date.now() - 20 * 60_000);
    await prisma.check.update({ where: { id: checkRow.id }, data: { createdAt: new Date(Date.now() - SEEDED_DAYS * DAY), status: 'down' } });
    await prisma.site.update({ where: { id: siteRow.id }, data: { status: 'down', lastStatusChangeAt: downSince } });
    await prisma.siteEvent.create({ data: { siteId: siteRow.id, checkId: checkRow.id, checkType: 'http', eventType: 'down', severity: 'high', startedAt: downSince } });
    const swept = await sweepSlo(harness.db, { readOnly: false, logger: createCapturedLogger({ level: 'warn' }).logger });
    expect(swept.opened).toBe(1);
    // This site's history is written at the real time, not at the seeded one.
    await page.clock.setFixedTime(Date.now());

    await page.goto(`${served.url}/sites/${burning.id}`);
    await page.locator('#slo').waitFor();
    expect(await fact('#slo', 'Burn alert')).toMatch(/^Error budget burning since /);
    expect(await page.locator('#slo [role="meter"]').getAttribute('aria-valuenow')).toBe('54');
    const rates = await page.locator('table.slo-burn-rates').evaluate((t) => Object.fromEntries([...t.querySelectorAll('th')].map((th, i) => [th.textContent, t.querySelectorAll('td')[i]?.textContent])));
    // The page loads a few seconds after the outage's 20 minutes: the hour's rate is a little over 333×.
    expect(rates).toMatchObject({ '5m': '1000×', '1h': expect.stringMatching(/^33\d×$/) });
    const alert = page.locator('#open-events a[data-event-id]', { hasText: 'Error budget burning' });
    const alertRow = page.locator('#open-events tbody tr', { has: page.locator('a[data-event-id]', { hasText: 'Error budget burning' }) });
    expect(await alertRow.textContent()).toContain('error budget');
    await shot(page, 'site');
    await alert.click();
    await page.waitForURL(/\/events\/[0-9a-f-]{36}$/);
    // The dashboard renders in the page: the URL changes before the event's heading replaces the site's.
    await page.locator('h1', { hasText: /error budget/i }).waitFor();
    expect(await page.locator('h1').textContent()).toMatch(/error budget/i);
    expect(await page.locator('#main').textContent()).not.toMatch(/NaN|undefined/);
    await shot(page, 'event');
  });

  it("shows each check's 30 and 90 day uptime and response time on the public status page", async () => {
    const shot = screenshotter('status-page-checks');
    const statusPage = await browser.context.newPage();
    const statusProblems = recordPageProblems(statusPage);
    await statusPage.goto(`${served.url}/status/${site.slug}`);
    const row = statusPage.locator('table.checks tbody tr', { has: statusPage.locator('th', { hasText: 'Archive home' }) });
    await row.waitFor();
    // Every result of the UTC days counted, every location merged: 3 failed in all.
    const today = Math.floor(now / DAY) * DAY;
    const uptime = (days: number) => {
      const counted = seeded.results.filter((r) => r.at >= today - (days - 1) * DAY);
      const ratio = counted.filter((r) => r.ok).length / counted.length;
      return `${(Math.floor(ratio * 10_000 + 1e-9) / 100).toFixed(2)}%`;
    };
    expect(await row.locator('td[data-window="30d"]').textContent()).toBe(uptime(30));
    expect(await row.locator('td[data-window="90d"]').textContent()).toBe(uptime(90));
    // Merged: us-1's usual latency is the median, its slow results the p95 (ap-1's are the top 4 %).
    const [median, p95] = await row.locator('td.num').evaluateAll((tds) => tds.slice(2).map((td) => td.textContent));
    expect(median).toMatch(/^\d+ ms$/);
    expect(numberIn(median)).toBeGreaterThan(0.95 * BASE_LATENCY_MS['us-1']);
    expect(numberIn(median)).toBeLessThan(1.05 * BASE_LATENCY_MS['us-1']);
    expect(numberIn(p95)).toBeGreaterThan(0.95 * 3 * BASE_LATENCY_MS['us-1']);
    expect(numberIn(p95)).toBeLessThan(1.05 * 3 * BASE_LATENCY_MS['us-1']);
    expect(await row.locator('svg.spark polyline').count()).toBe(1);
    expect(await statusPage.locator('main').textContent()).not.toMatch(/NaN|undefined/);
    await shot(statusPage, 'checks');
    // On a phone the checks table scrolls in its own box, not the page.
    await statusPage.setViewportSize({ width: 390, height: 844 });
    expect(await statusPage.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth')).toBe(true);
    await shot(statusPage, 'checks-phone');
    expect(statusProblems).toEqual([]);
    await statusPage.close();
  });
});
