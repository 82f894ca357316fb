import type { EventState } from '@vigil/lifecycle';
import { checkStatusOf } from './status-projection';

const event = (type: 'seems_down' | 'down'): EventState => ({ type, severity: type === 'down' ? 'high' : 'low', startedAt: 0, endedAt: null, resolutionReason: null });
const certificate = (severity: 'warning' | 'degraded'): EventState => ({ type: 'cert_expiring', severity, startedAt: 0, endedAt: null, resolutionReason: null });
const verdict = (status: 'up' | 'seems_down' | 'down' | 'unknown') => ({ status });

describe('checkStatusOf', () => {
  it('follows the open outage event, even when its locations went stale', () => {
    expect(checkStatusOf(event('down'), false, verdict('unknown'))).toBe('down');
    expect(checkStatusOf(event('seems_down'), true, verdict('down'))).toBe('seems_down');
  });

  it('shows maintenance without an event in a window, else the verdict', () => {
    expect(checkStatusOf(null, true, verdict('down'))).toBe('maintenance');
    expect(checkStatusOf(null, false, verdict('up'))).toBe('up');
    expect(checkStatusOf(null, false, verdict('unknown'))).toBe('unknown');
  });

  it("shows a certificate event's severity, and never down for a tls_cert check", () => {
    expect(checkStatusOf(certificate('warning'), false, verdict('up'), true)).toBe('warning');
    expect(checkStatusOf(certificate('degraded'), false, verdict('down'), true)).toBe('degraded');
    expect(checkStatusOf(null, false, verdict('down'), true)).toBe('unknown');
    expect(checkStatusOf(null, false, verdict('up'), true)).toBe('up');
  });
});
