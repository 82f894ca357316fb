import { formatDuration, formatPercent, renderNotFoundPage, renderStatusPage } from './render-page';
import type { PublicStatus } from './build-status';

describe('formatPercent', () => {
  it('rounds down, so any downtime never shows as 100%', () => {
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(0.99999)).toBe('99.99%');
    expect(formatPercent(0.9995)).toBe('99.95%');
    expect(formatPercent(0)).toBe('0.00%');
    expect(formatPercent(null)).toBe('—');
  });
});

describe('formatDuration', () => {
  it('says durations the way people read them', () => {
    expect(formatDuration(0.4)).toBe('0 s');
    expect(formatDuration(59)).toBe('59 s');
    expect(formatDuration(60 * 59 + 59)).toBe('59 min');
    expect(formatDuration(3600)).toBe('1 h');
    expect(formatDuration(3600 * 2 + 60 * 5)).toBe('2 h 5 min');
    expect(formatDuration(86_400 * 3)).toBe('3 d');
    expect(formatDuration(86_400 * 3 + 3600 * 4 + 59)).toBe('3 d 4 h');
  });
});

describe('the status page', () => {
  const empty = { ratio: null, since: null, down_s: 0, monitored_s: 0, maintenance_s: 0, unknown_s: 0 };
  const status: PublicStatus = {
    site: { name: 'Never checked', slug: 'never' },
    status: 'unknown',
    unknown_checks: 0,
    last_checked_at: null,
    generated_at: '2026-11-23T15:00:00.000Z',
    uptime: { '24h': empty, '7d': empty, '90d': empty },
    days: [{ date: '2026-11-23', state: 'no_data', ratio: null, down_s: 0, unknown_s: 0 }],
    incidents: [],
    upcoming_maintenance: [],
  };

  it('shows a site with no data yet without figures or incidents', () => {
    const page = renderStatusPage(status);
    expect(page).toContain('No data: status unknown');
    expect(page).not.toContain('operational');
    expect(page).toContain('Last checked never');
    expect(page.match(/>—</g)).toHaveLength(3);
    expect(page).toContain('no data yet');
    expect(page).toContain('title="2026-11-23: no data"');
    expect(page).toContain('No incidents in the last 1 days.');
    expect(page).not.toContain('Upcoming maintenance');
  });

  it('announces upcoming maintenance with its times and what it concerns', () => {
    const page = renderStatusPage({
      ...status,
      upcoming_maintenance: [
        { id: '8b1c6f0e-3a57-4c8e-9d3c-1d2f5e6a7b8c', starts_at: '2026-11-29T01:30:00.000Z', ends_at: '2026-11-29T02:30:00.000Z', check: null },
      ],
    });
    expect(page).toContain('<h2>Upcoming maintenance</h2>');
    expect(page).toContain('<time datetime="2026-11-29T01:30:00.000Z">2026-11-29 01:30 UTC</time> – <time datetime="2026-11-29T02:30:00.000Z">2026-11-29 02:30 UTC</time>');
  });

  it('names a check without a name by its type, and an ongoing maintenance as ongoing', () => {
    const page = renderStatusPage({
      ...status,
      status: 'maintenance',
      incidents: [
        {
          id: '8b1c6f0e-3a57-4c8e-9d3c-1d2f5e6a7b8c',
          type: 'maintenance',
          severity: null,
          started_at: '2026-11-23T14:00:00.000Z',
          ended_at: null,
          duration_s: 3600,
          ongoing: true,
          resolution: null,
          check: { name: null, type: 'tls_cert' },
        },
      ],
    });
    expect(page).toContain('Under maintenance');
    expect(page).toContain('<strong>TLS certificate check</strong>');
    expect(page).toContain('<strong>ongoing</strong> · 1 h');
  });

  it('never says operational while a check has no data, and says how much time without data uptime left out', () => {
    const day = 86_400;
    const page = renderStatusPage({
      ...status,
      status: 'warning',
      unknown_checks: 2,
      uptime: { ...status.uptime, '24h': { ratio: 1, since: '2026-11-22T15:00:00.000Z', down_s: 0, monitored_s: day - 7800, maintenance_s: 0, unknown_s: 7800 } },
      days: [
        { date: '2026-11-22', state: 'no_data', ratio: null, down_s: 0, unknown_s: day },
        { date: '2026-11-23', state: 'up', ratio: 1, down_s: 0, unknown_s: 3600 },
      ],
    });
    expect(page).not.toContain('perational');
    expect(page).toContain('<section class="banner s-unknown" aria-live="polite">\n  <strong>No data for 2 checks</strong>');
    expect(page).toContain('<dd class="note excluded" data-window="24h">2 h 10 min without data excluded</dd>');
    expect(page).toContain('title="2026-11-22: no data"');
    expect(page).toContain('class="bar d-no_data"');
    expect(page).toContain('title="2026-11-23: 100% up, 1 h without data"');
  });

  it('says "Degraded performance" for a degraded site, in its own colour, and counts no downtime for it', () => {
    const day = 86_400;
    const page = renderStatusPage({
      ...status,
      status: 'degraded',
      last_checked_at: '2026-11-23T14:59:00.000Z',
      uptime: { ...status.uptime, '24h': { ratio: 1, since: '2026-11-22T15:00:00.000Z', down_s: 0, monitored_s: day, maintenance_s: 0, unknown_s: 0 } },
      days: [{ date: '2026-11-23', state: 'up', ratio: 1, down_s: 0, unknown_s: 0 }],
    });
    expect(page).toContain('<section class="banner s-degraded" aria-live="polite">\n  <strong>Degraded performance</strong>');
    expect(page).toContain('.s-degraded{background:');
    expect(page).toContain('title="2026-11-23: 100% up"');
    expect(page).not.toContain('Outage');
  });

  it('answers the same not-found page whatever was asked for', () => {
    expect(renderNotFoundPage()).toContain('<title>Status page not found</title>');
  });
});
