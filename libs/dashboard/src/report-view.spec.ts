import { matchRoute, paths } from '../public/js/routes.js';
import { dailyLatencySeries, locationRow, percent, reportFacts, reportWindow, uptimeBars } from '../public/js/report.js';
import { duration } from '../public/js/format.js';
import { CLIENT_ROUTE } from './mount-dashboard';

const ID = '0b6f3f5e-3c1a-4d3e-9a52-2f1f6f0e9a10';
const NOW = Date.parse('2026-12-05T12:00:00Z');

describe('the report pages', () => {
  it('have their own routes under a site and a check, which the server answers with index.html', () => {
    expect(matchRoute(paths.siteReport(ID))).toEqual({ name: 'site-report', params: { id: ID } });
    expect(matchRoute(`${paths.checkReport(ID)}/`)).toEqual({ name: 'check-report', params: { id: ID } });
    expect(matchRoute(paths.site(ID))?.name).toBe('site');
    for (const path of [paths.siteReport(ID), paths.checkReport(ID)]) expect(CLIENT_ROUTE.test(path)).toBe(true);
    for (const path of ['/sites/a/other', '/events/a/report', '/sites/a/report/x']) expect({ path, served: CLIENT_ROUTE.test(path) }).toEqual({ path, served: false });
  });

  it('show the window the picker chose, 30 days unless 7 or 90 are asked for', () => {
    const url = (query: string) => new URL(`https://dashboard.example.test/sites/x/report${query}`);
    expect(reportWindow(url(''), NOW)).toEqual({ days: 30, from: '2026-11-05T12:00:00.000Z', to: '2026-12-05T12:00:00.000Z' });
    expect(reportWindow(url('?days=7'), NOW).days).toBe(7);
    expect(reportWindow(url('?days=90'), NOW).from).toBe('2026-09-06T12:00:00.000Z');
    expect(reportWindow(url('?days=5000'), NOW).days).toBe(30);
  });

  it('write uptime, excluded time, incidents, MTTR and MTBF in words', () => {
    const availability = { ratio: 0.99999, since: null, window_s: 90_000, counted_s: 86_400, down_s: 60, excluded_s: 3600, maintenance_s: 1800, unknown_s: 1800, unmonitored_s: 0 };
    const incidents = { count: 2, started: 1, ended: 2, ongoing: 0, mttr_s: 90, mtbf_s: null };
    expect(reportFacts({ availability, incidents }, duration)).toEqual([
      ['Uptime', '99.999 % of 1 d counted'],
      ['Downtime', '1 min'],
      ['Excluded', '1 h (maintenance 30 min, unknown 30 min)'],
      ['Incidents', '2 (1 started, 2 ended, 0 ongoing)'],
      ['MTTR', '1 min 30 s'],
      ['MTBF', '—'],
    ]);
    expect(reportFacts({ availability: { ...availability, unmonitored_s: 7200 }, incidents }, duration)[3]).toEqual(['Not monitored yet', '2 h']);
    expect(percent(0.9999999)).toBe('99.999 %');
    // Nothing excluded reads as whole seconds, never as `0 ms`.
    expect(reportFacts({ availability: { ...availability, excluded_s: 0, maintenance_s: 0, unknown_s: 0 }, incidents }, duration)[2]).toEqual(['Excluded', '0 s (maintenance 0 s, unknown 0 s)']);
  });

  it('list each location with its results and latency percentiles', () => {
    const latency_ms = { count: 3, mean: 200, min: 100, max: 300, p50: 200, p95: 300, p99: null };
    expect(locationRow({ location: 'eu-1', count: 5, failures: 1, inconclusive: 1, degraded: 0, success_ratio: 0.75, latency_ms })).toEqual([
      'eu-1',
      '5',
      '1',
      '1',
      '75.000 %',
      '200 ms',
      '300 ms',
      '—',
    ]);
  });

  it('draw one uptime bar per day over a floor below the worst day, none for a day with nothing counted', () => {
    const { floor, bars } = uptimeBars(
      [
        { date: '2026-12-01', ratio: 1, down_s: 0, excluded_s: 0 },
        { date: '2026-12-02', ratio: 0.95, down_s: 4320, excluded_s: 0 },
        { date: '2026-12-03', ratio: null, down_s: 0, excluded_s: 86_400 },
        { date: '2026-12-04', ratio: 0.975, down_s: 2160, excluded_s: 0 },
      ],
      { width: 400, height: 82 },
    );
    expect(floor).toBe(0.95);
    expect(bars.map((b) => [b.x, b.height, b.down])).toEqual([
      [0, 82, false],
      [100, 2, true],
      [200, 0, false],
      [300, 42, true],
    ]);
    expect(bars[1].y).toBe(80);
    expect(uptimeBars([{ date: '2026-12-01', ratio: 1, down_s: 0, excluded_s: 0 }], { width: 10, height: 10 }).floor).toBe(0.99);
  });

  it("chart a check's daily p95 per location from its daily rollups, failed days marked", () => {
    expect(
      dailyLatencySeries([
        {
          location: 'eu-1',
          buckets: [
            { bucket_start: '2026-12-01T00:00:00.000Z', failures: 0, latency_ms: { p95: 120 } },
            { bucket_start: '2026-12-02T00:00:00.000Z', failures: 3, latency_ms: { p95: null } },
          ],
        },
      ]),
    ).toEqual([
      {
        location: 'eu-1',
        points: [
          { t: Date.parse('2026-12-01T00:00:00Z'), latency: 120, ok: true },
          { t: Date.parse('2026-12-02T00:00:00Z'), latency: null, ok: false },
        ],
      },
    ]);
  });
});
