import type { EventState } from '@vigil/lifecycle';
import type { SiteProjection } from './load-sites';
import { checkStatusOf, sitesChecked } from './status-projection';

const event = (type: 'seems_down' | 'down'): EventState => ({ type, severity: type === 'down' ? 'high' : 'low', startedAt: 0, endedAt: null, resolutionReason: null });
const certificate = (severity: 'warning' | 'elevated'): EventState => ({ type: 'cert_expiring', severity, startedAt: 0, endedAt: null, resolutionReason: null });
const verdict = (status: 'up' | 'seems_down' | 'down' | 'unknown') => ({ status });

describe('checkStatusOf', () => {
  it('follows the open outage event, even when its locations went stale', () => {
    expect(checkStatusOf(event('down'), false, verdict('unknown'))).toBe('down');
    expect(checkStatusOf(event('seems_down'), true, verdict('down'))).toBe('seems_down');
  });

  it('shows degraded while a degraded event is open, and up for a degraded verdict without one', () => {
    const degraded: EventState = { type: 'degraded', severity: 'warning', startedAt: 0, endedAt: null, resolutionReason: null };
    expect(checkStatusOf(degraded, false, verdict('up'))).toBe('degraded');
    expect(checkStatusOf({ ...degraded, type: 'seems_down' }, false, verdict('seems_down'))).toBe('seems_down');
    expect(checkStatusOf(null, false, { status: 'degraded' })).toBe('up');
  });

  it('shows maintenance without an event in a window, else the verdict', () => {
    expect(checkStatusOf(null, true, verdict('down'))).toBe('maintenance');
    expect(checkStatusOf(null, false, verdict('up'))).toBe('up');
    expect(checkStatusOf(null, false, verdict('unknown'))).toBe('unknown');
  });

  it("shows a certificate event's severity, and never down for a tls_cert check", () => {
    expect(checkStatusOf(certificate('warning'), false, verdict('up'), true)).toBe('warning');
    expect(checkStatusOf(certificate('elevated'), false, verdict('down'), true)).toBe('degraded');
    expect(checkStatusOf(null, false, verdict('down'), true)).toBe('unknown');
    expect(checkStatusOf(null, false, verdict('up'), true)).toBe('up');
  });
});

describe('sitesChecked', () => {
  const change = (siteId: number, checkId: number, at: number, checked = true): SiteProjection => ({
    siteId,
    checkId,
    check: `check-${checkId}`,
    checkStatus: 'up',
    at: new Date(at),
    checked,
    statusChanged: false,
  });

  it("moves each site to its latest new result, in site id order, and leaves out what is no new result", () => {
    expect(sitesChecked([change(9, 1, 5_000), change(2, 2, 1_000), change(9, 3, 7_000), change(9, 4, 6_000), change(4, 5, 9_000, false)])).toEqual([
      { kind: 'site_checked', check: 'check-2', siteId: 2, lastCheckedAt: new Date(1_000) },
      { kind: 'site_checked', check: 'check-1', siteId: 9, lastCheckedAt: new Date(7_000) },
    ]);
  });

  it('refuses a change of status: that site must be read and projected', () => {
    expect(() => sitesChecked([{ ...change(1, 1, 0), statusChanged: true }])).toThrow(/changed status/);
  });
});
