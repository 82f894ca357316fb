import { certificateSeverity, DEFAULT_CERTIFICATE_THRESHOLDS, decideCertificate } from './certificate';
import type { LifecycleContext } from './transition';
import type { EventState } from './types';

const DAY = 86_400_000;
const NOW = 1_700_000_000_000;
const ctx = (patch: Partial<LifecycleContext> = {}): LifecycleContext => ({ now: NOW, inMaintenance: false, ...patch });
const expiringIn = (days: number): number => NOW + days * DAY;
const certEvent = (severity: 'warning' | 'elevated'): EventState => ({
  type: 'cert_expiring',
  severity,
  startedAt: NOW - 3 * DAY,
  endedAt: null,
  resolutionReason: null,
});

describe('certificateSeverity', () => {
  it('is nothing more than 30 days before expiry, warning within 30 days, degraded within 7, by default', () => {
    expect(DEFAULT_CERTIFICATE_THRESHOLDS).toEqual({ warningDays: 30, degradedDays: 7 });
    expect(certificateSeverity(expiringIn(31), NOW)).toBeNull();
    expect(certificateSeverity(expiringIn(30), NOW)).toBe('warning');
    expect(certificateSeverity(expiringIn(8), NOW)).toBe('warning');
    expect(certificateSeverity(expiringIn(7), NOW)).toBe('elevated');
    expect(certificateSeverity(expiringIn(0), NOW)).toBe('elevated');
    expect(certificateSeverity(expiringIn(-2), NOW)).toBe('elevated');
  });

  it('follows configured thresholds', () => {
    const thresholds = { warningDays: 14, degradedDays: 3 };
    expect(certificateSeverity(expiringIn(20), NOW, thresholds)).toBeNull();
    expect(certificateSeverity(expiringIn(10), NOW, thresholds)).toBe('warning');
    expect(certificateSeverity(expiringIn(3), NOW, thresholds)).toBe('elevated');
  });

  it('rejects thresholds out of order or not numbers', () => {
    for (const thresholds of [
      { warningDays: 5, degradedDays: 7 },
      { warningDays: 30, degradedDays: -1 },
      { warningDays: Number.NaN, degradedDays: 7 },
      { warningDays: Number.POSITIVE_INFINITY, degradedDays: 7 },
    ]) {
      expect(() => certificateSeverity(expiringIn(1), NOW, thresholds)).toThrow(expect.objectContaining({ reason: 'invalid_config' }));
    }
  });
});

describe('decideCertificate', () => {
  it('opens a cert_expiring event of warning severity within 30 days, and notifies', () => {
    expect(decideCertificate(null, expiringIn(20), ctx())).toMatchObject({
      kind: 'open',
      stateAfter: 'cert_expiring',
      severityAfter: 'warning',
      notification: 'cert_expiring_soon',
      event: { type: 'cert_expiring', severity: 'warning', startedAt: NOW },
    });
  });

  it('opens directly as degraded within 7 days', () => {
    expect(decideCertificate(null, expiringIn(2), ctx())).toMatchObject({ kind: 'open', severityAfter: 'elevated' });
  });

  it('does nothing for a certificate far from expiry, or one that could not be read', () => {
    expect(decideCertificate(null, expiringIn(90), ctx()).kind).toBe('none');
    expect(decideCertificate(null, null, ctx()).kind).toBe('none');
    expect(decideCertificate(certEvent('warning'), null, ctx()).kind).toBe('none');
  });

  it('raises the severity in place, same state, started_at kept, and notifies again', () => {
    expect(decideCertificate(certEvent('warning'), expiringIn(6), ctx())).toMatchObject({
      kind: 'upgrade',
      reason: 'severity_changed',
      stateBefore: 'cert_expiring',
      stateAfter: 'cert_expiring',
      severityBefore: 'warning',
      severityAfter: 'elevated',
      notification: 'cert_expiring_soon',
      event: { startedAt: NOW - 3 * DAY, severity: 'elevated' },
    });
  });

  it('suppresses a second event while the severity stays the same', () => {
    expect(decideCertificate(certEvent('warning'), expiringIn(20), ctx())).toMatchObject({ kind: 'suppress', why: 'already_open' });
  });

  it('closes as recovered when the certificate was renewed', () => {
    expect(decideCertificate(certEvent('elevated'), expiringIn(90), ctx())).toMatchObject({
      kind: 'close',
      reason: 'recovered',
      notification: 'cert_renewed',
      event: { endedAt: NOW, resolutionReason: 'recovered' },
    });
  });

  it('closes rather than lowering the severity in place: a later expiry means a new certificate', () => {
    expect(decideCertificate(certEvent('elevated'), expiringIn(20), ctx())).toMatchObject({ kind: 'close', reason: 'recovered' });
    expect(decideCertificate(null, expiringIn(20), ctx())).toMatchObject({ kind: 'open', severityAfter: 'warning' });
  });

  it('never makes anything down: its events are only cert_expiring', () => {
    for (const days of [-5, 0, 3, 7, 15, 30]) {
      const t = decideCertificate(null, expiringIn(days), ctx());
      expect(t.kind === 'open' && t.event.type).toBe('cert_expiring');
    }
  });

  it('opens nothing in maintenance, and closes an open one with reason maintenance, silently', () => {
    expect(decideCertificate(null, expiringIn(3), ctx({ inMaintenance: true }))).toMatchObject({ kind: 'suppress', why: 'in_maintenance' });
    expect(decideCertificate(null, expiringIn(90), ctx({ inMaintenance: true })).kind).toBe('none');
    expect(decideCertificate(certEvent('warning'), expiringIn(3), ctx({ inMaintenance: true }))).toMatchObject({
      kind: 'close',
      reason: 'maintenance',
      notification: null,
    });
  });

  it('refuses a closed event or an event of another kind', () => {
    expect(() => decideCertificate({ ...certEvent('warning'), endedAt: NOW, resolutionReason: 'manual' }, expiringIn(3), ctx())).toThrow(
      expect.objectContaining({ reason: 'event_closed' }),
    );
    const outage: EventState = { type: 'down', severity: 'high', startedAt: NOW, endedAt: null, resolutionReason: null };
    expect(() => decideCertificate(outage, expiringIn(3), ctx())).toThrow(expect.objectContaining({ reason: 'wrong_event_kind' }));
  });
});
