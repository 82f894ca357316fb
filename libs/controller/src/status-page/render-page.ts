import { getPublicStatus, routePath, type UptimeWindowName } from '@vigil/contracts';
import type { PublicStatus } from './build-status';
import { html, SafeHtml } from './html';

const STATUS_LABELS: Record<PublicStatus['status'], string> = {
  up: 'All systems operational',
  seems_down: 'Checking a possible problem',
  down: 'Outage',
  // Slow but answering: not an outage, and degraded time is not downtime.
  degraded: 'Degraded performance',
  warning: 'Operational, with a warning',
  // Never "operational": nothing recent says so.
  unknown: 'No data: status unknown',
  maintenance: 'Under maintenance',
  paused: 'Monitoring paused',
};

const WINDOW_LABELS: Record<UptimeWindowName, [label: string, ms: number]> = {
  '24h': ['Last 24 hours', 86_400_000],
  '7d': ['Last 7 days', 7 * 86_400_000],
  '90d': ['Last 90 days', 90 * 86_400_000],
};

const CHECK_TYPE_LABELS: Record<string, string> = { http: 'HTTP', tcp: 'TCP', dns: 'DNS', tls_cert: 'TLS certificate', icmp: 'Ping', heartbeat: 'Heartbeat' };

const DAY_LABELS: Record<PublicStatus['days'][number]['state'], string> = {
  up: 'no downtime',
  down: 'downtime',
  maintenance: 'maintenance',
  no_data: 'no data',
};

/**
 * The banner's class and words. A status that reads as operational (up, a warning) while a
 * check has no recent data says so instead: the page never vouches for what nobody saw.
 */
function banner(status: PublicStatus): { status: PublicStatus['status']; label: string } {
  if ((status.status === 'up' || status.status === 'warning') && status.unknown_checks > 0) {
    return { status: 'unknown', label: `No data for ${status.unknown_checks === 1 ? 'one check' : `${status.unknown_checks} checks`}` };
  }
  return { status: status.status, label: STATUS_LABELS[status.status] };
}

/** Rounded down, so any downtime at all never shows as 100%. */
export function formatPercent(ratio: number | null): string {
  if (ratio === null) return '—';
  if (ratio === 1) return '100%';
  return `${(Math.floor(ratio * 10_000 + 1e-9) / 100).toFixed(2)}%`;
}

export function formatDuration(totalSeconds: number): string {
  const s = Math.round(totalSeconds);
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

function time(iso: string | null): SafeHtml {
  if (iso === null) return html`never`;
  return html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;
}

function checkLabel(check: PublicStatus['incidents'][number]['check']): string {
  if (check === null) return 'Whole site';
  return check.name ?? `${CHECK_TYPE_LABELS[check.type] ?? check.type} check`;
}

function uptimeFigure(status: PublicStatus, window: UptimeWindowName): SafeHtml {
  const [label, ms] = WINDOW_LABELS[window];
  const figures = status.uptime[window];
  const windowStart = Date.parse(status.generated_at) - ms;
  const note =
    figures.since === null
      ? 'no data yet'
      : Date.parse(figures.since) > windowStart
        ? `since ${figures.since.slice(0, 10)}`
        : figures.down_s > 0
          ? `${formatDuration(figures.down_s)} down`
          : 'no downtime';
  // Time nobody could tell is left out of the ratio: say how much, so a high figure is not read as seen.
  const excluded =
    figures.unknown_s > 0 ? html`<dd class="note excluded" data-window="${window}">${formatDuration(figures.unknown_s)} without data excluded</dd>` : '';
  return html`<div class="figure">
    <dt>${label}</dt><dd class="pct" data-window="${window}">${formatPercent(figures.ratio)}</dd><dd class="note">${note}</dd>${excluded}
  </div>`;
}

function dayBar(day: PublicStatus['days'][number]): SafeHtml {
  const down = day.down_s > 0 ? `, ${formatDuration(day.down_s)} down` : '';
  const unknown = day.unknown_s > 0 ? `, ${formatDuration(day.unknown_s)} without data` : '';
  const detail = day.ratio === null ? DAY_LABELS[day.state] : `${formatPercent(day.ratio)} up${down}${unknown}`;
  return html`<span class="bar d-${day.state}" title="${day.date}: ${detail}"></span>`;
}

function responseTime(ms: number | null): string {
  if (ms === null) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

type StatusCheck = NonNullable<PublicStatus['checks']>[number];

const SPARK_W = 180;
const SPARK_H = 32;

/** A check's daily median response time over the strip's days, as an inline SVG line (no script, no resource). */
function sparkline(check: StatusCheck, firstDate: string, days: number): SafeHtml | string {
  const points = check.days.filter((d) => d.p50 !== null);
  if (points.length === 0 || days === 0) return '';
  const first = Date.parse(firstDate);
  const top = Math.max(...points.map((d) => d.p50 as number), 1);
  const x = (date: string) => Math.round(((Date.parse(date) - first) / 86_400_000 / Math.max(1, days - 1)) * SPARK_W * 10) / 10;
  const y = (ms: number) => Math.round((SPARK_H - 2 - (ms / top) * (SPARK_H - 4)) * 10) / 10;
  const line = points.map((d) => `${x(d.date)},${y(d.p50 as number)}`).join(' ');
  return html`<svg class="spark" viewBox="0 0 ${SPARK_W} ${SPARK_H}" width="${SPARK_W}" height="${SPARK_H}" role="img" aria-label="Daily median response time, up to ${responseTime(top)}"><polyline points="${line}"/></svg>`;
}

function checkRow(check: StatusCheck, firstDate: string, days: number): SafeHtml {
  return html`<tr>
    <th scope="row">${checkLabel(check)}</th>
    <td class="num" data-window="30d">${formatPercent(check.uptime['30d'])}</td><td class="num" data-window="90d">${formatPercent(check.uptime['90d'])}</td>
    <td class="num">${responseTime(check.response_ms['30d'].p50)}</td><td class="num">${responseTime(check.response_ms['30d'].p95)}</td>
    <td>${sparkline(check, firstDate, days)}</td>
  </tr>`;
}

function incidentItem(incident: PublicStatus['incidents'][number]): SafeHtml {
  const kind = incident.type === 'outage' ? 'Outage' : 'Maintenance';
  const end = incident.ongoing ? html`<strong>ongoing</strong>` : time(incident.ended_at);
  const extra = [incident.severity === null ? null : `severity ${incident.severity}`, incident.resolution?.replace('_', ' ') ?? null]
    .filter((x) => x !== null)
    .join(', ');
  return html`<li class="incident">
      <span class="tag t-${incident.type}">${kind}</span> <strong>${checkLabel(incident.check)}</strong>
      <div class="when">${time(incident.started_at)} – ${end} · ${formatDuration(incident.duration_s)}${extra === '' ? '' : ` · ${extra}`}</div>
    </li>`;
}

// A constant of this file, never data: the one piece inserted without escaping.
const STYLE = new SafeHtml(`
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2125;background:#f5f6f8}
main{max-width:860px;margin:0 auto;padding:24px 16px}h1{margin:0 0 16px;font-size:1.7rem}h2{font-size:1.1rem;margin:28px 0 10px}
.banner{padding:16px 20px;border-radius:8px;color:#fff;display:flex;flex-wrap:wrap;justify-content:space-between;gap:8px}
.banner strong{font-size:1.2rem}.banner span{opacity:.9}
.s-up{background:#2f9e44}.s-down{background:#d6336c}.s-seems_down,.s-warning{background:#e8590c}.s-degraded{background:#f08c00}
.s-maintenance{background:#1c7ed6}.s-unknown,.s-paused{background:#6c757d}
.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(180px,1fr));gap:12px;margin:0}
.figure{background:#fff;border-radius:8px;padding:12px 16px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.figure dt{color:#5c636a;font-size:.9rem}.figure dd{margin:0}.pct{font-size:1.6rem;font-weight:600}.note{color:#5c636a;font-size:.85rem}
.bars{display:flex;gap:2px;height:34px;background:#fff;padding:6px;border-radius:8px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.bar{flex:1;border-radius:2px;min-width:2px}.d-up{background:#2f9e44}.d-down{background:#d6336c}.d-maintenance{background:#1c7ed6}.d-no_data{background:#ced4da}
.axis{display:flex;justify-content:space-between;color:#5c636a;font-size:.8rem;margin-top:4px}
.legend{color:#5c636a;font-size:.8rem;margin-top:4px}.legend span{display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 4px 0 10px}
.incidents{list-style:none;padding:0;margin:0}.incident{background:#fff;border-radius:8px;padding:10px 16px;margin-bottom:8px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.when{color:#5c636a;font-size:.9rem}.tag{font-size:.75rem;font-weight:600;text-transform:uppercase;padding:2px 6px;border-radius:4px;color:#fff}
.checks{width:100%;border-collapse:collapse;background:#fff;border-radius:8px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.checks th,.checks td{padding:6px 10px;text-align:left;font-size:.9rem}.checks thead th{color:#5c636a;font-weight:500}.checks .num{text-align:right}
.table-wrap{overflow-x:auto}
.spark{display:block}.spark polyline{fill:none;stroke:#1c7ed6;stroke-width:1.5}
.t-outage{background:#d6336c}.t-maintenance{background:#1c7ed6}.empty{color:#5c636a}
footer{margin-top:32px;color:#5c636a;font-size:.85rem}a{color:inherit}
`);

function page(title: string, body: SafeHtml): string {
  // A refresh every minute without any script: the page stays readable and current with JavaScript off.
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="60">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body><main>
${body}
</main></body>
</html>
`.value;
}

function upcomingItem(upcoming: PublicStatus['upcoming_maintenance'][number]): SafeHtml {
  return html`<li class="incident">
      <span class="tag t-maintenance">Maintenance</span> <strong>${checkLabel(upcoming.check)}</strong>
      <div class="when">${time(upcoming.starts_at)} – ${time(upcoming.ends_at)}</div>
    </li>`;
}

/** The status page of a site, rendered from the same object the JSON route answers. */
export function renderStatusPage(status: PublicStatus): string {
  const windows = Object.keys(WINDOW_LABELS) as UptimeWindowName[];
  const first = status.days[0]?.date ?? '';
  const downDays = status.days.filter((d) => d.state === 'down').length;
  const json = routePath(getPublicStatus, { slug: status.site.slug });
  const shown = banner(status);
  const checks = status.checks ?? [];
  const body = html`<h1>${status.site.name}</h1>
<section class="banner s-${shown.status}" aria-live="polite">
  <strong>${shown.label}</strong><span>Last checked ${time(status.last_checked_at)}</span>
</section>
<h2>Uptime</h2>
<dl class="figures">${windows.map((w) => uptimeFigure(status, w))}</dl>
<h2>Last ${status.days.length} days</h2>
<div class="bars" role="img" aria-label="Daily status since ${first}: ${downDays} days with downtime">${status.days.map(dayBar)}</div>
<div class="axis"><span>${first}</span><span>Today</span></div>
<div class="legend">
  <span class="d-up"></span>Up<span class="d-down"></span>Downtime<span class="d-maintenance"></span>Maintenance<span class="d-no_data"></span>No data
</div>
${
  status.upcoming_maintenance.length === 0
    ? ''
    : html`<h2>Upcoming maintenance</h2>
<ol class="incidents">${status.upcoming_maintenance.map(upcomingItem)}</ol>`
}
<h2>Incidents</h2>
${
  status.incidents.length === 0
    ? html`<p class="empty">No incidents in the last ${status.days.length} days.</p>`
    : html`<ol class="incidents">${status.incidents.map(incidentItem)}</ol>`
}
${
  checks.length === 0
    ? ''
    : html`<h2>Checks</h2>
<p class="note" id="checks-note">Measured from every result (inconclusive ones left out), every location merged; response time of successful results</p>
<div class="table-wrap">
<table class="checks" aria-describedby="checks-note">
  <thead><tr><th scope="col">Check</th><th scope="col" class="num">Uptime 30 d</th><th scope="col" class="num">90 d</th><th scope="col" class="num">Median (30 d)</th><th scope="col" class="num">p95 (30 d)</th><th scope="col">Median, ${status.days.length} days</th></tr></thead>
  <tbody>${checks.map((c) => checkRow(c, first, status.days.length))}</tbody>
</table>
</div>`
}
<footer>Updated ${time(status.generated_at)} · refreshes every minute · <a href="${json}">JSON</a> · Vigil</footer>`;
  return page(`${status.site.name} status`, body);
}

/** One page for an unknown slug and for a site whose page is not public. */
export function renderNotFoundPage(): string {
  return page('Status page not found', html`<h1>Status page not found</h1><p class="empty">There is no public status page at this address.</p>`);
}
