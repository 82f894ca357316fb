import { checkReportCsv, csvField, type SiteReportJson, siteReportCsv, toCsv } from './csv';

describe('CSV', () => {
  it('quotes fields with commas, quotes or line breaks, and defuses formulas', () => {
    expect(toCsv(['a', 'b'], [['x,y', 'say "hi"'], [1.5, null], ['=SUM(A1)', 'line\nbreak'], [true, '-1']])).toBe(
      'a,b\r\n"x,y","say ""hi"""\r\n1.5,\r\n\'=SUM(A1),"line\nbreak"\r\ntrue,\'-1\r\n',
    );
    expect(csvField(-3)).toBe('-3');
  });

  const latency = { count: 2, mean: 150, min: 100, max: 200, p50: 100, p95: 200, p99: 200 };
  const availability = { ratio: 0.5, since: null, window_s: 10, counted_s: 8, down_s: 4, excluded_s: 2, maintenance_s: 1, unknown_s: 1, unmonitored_s: 0 };
  const incidents = { count: 1, started: 1, ended: 1, ongoing: 0, mttr_s: 4, mtbf_s: 4 };
  const check = (id: string, locations: string[]) => ({
    check: { id, name: `check ${id}`, type: 'http' as const, target: 'https://example.com', deleted: false },
    availability,
    incidents,
    locations: locations.map((location) => ({ location, count: 3, failures: 1, inconclusive: 0, degraded: 0, success_ratio: 2 / 3, latency_ms: latency })),
  });
  const site: SiteReportJson = {
    from: '2026-03-01T00:00:00.000Z',
    to: '2026-03-02T00:00:00.000Z',
    site: { id: 's', name: 'Shop', slug: 'shop' },
    availability,
    incidents,
    days: [],
    checks: [check('a', ['eu-1', 'us-1']), check('b', [])],
  };

  it('writes a site report as one row per check and location, a check without rollups on one row', () => {
    const lines = siteReportCsv(site).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'from,to,site,check_id,check_name,check_type,uptime,counted_s,down_s,excluded_s,maintenance_s,unknown_s,incidents,mttr_s,mtbf_s,' +
        'location,results,failures,inconclusive,degraded,success_ratio,latency_count,latency_mean_ms,latency_p50_ms,latency_p95_ms,latency_p99_ms,latency_max_ms',
    );
    expect(lines.slice(1).map((l) => l.split(',').slice(3, 4).concat(l.split(',').slice(15, 16)))).toEqual([
      ['a', 'eu-1'],
      ['a', 'us-1'],
      ['b', ''],
    ]);
    expect(lines[1]).toBe(
      `2026-03-01T00:00:00.000Z,2026-03-02T00:00:00.000Z,shop,a,check a,http,0.5,8,4,2,1,1,1,4,4,eu-1,3,1,0,0,${2 / 3},2,150,100,200,200,200`,
    );
  });

  it('writes a check report as one row per location', () => {
    const report = { from: site.from, to: site.to, site: site.site, days: [], ...check('a', ['eu-1']) };
    expect(checkReportCsv(report).trimEnd().split('\r\n')).toHaveLength(2);
  });
});
