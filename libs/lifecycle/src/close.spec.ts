import { closeEvent } from './close';
import type { EventState } from './types';

const NOW = 1_700_000_000_000;
const event = (type: EventState['type'], severity: EventState['severity']): EventState => ({
  type,
  severity,
  startedAt: NOW - 60_000,
  endedAt: null,
  resolutionReason: null,
});

describe('closeEvent', () => {
  it.each(['manual', 'check_disabled', 'check_deleted'] as const)(
    'closes a confirmed outage with reason %s and tells whoever was told it was down',
    (reason) => {
      expect(closeEvent(event('down', 'high'), reason, { now: NOW })).toMatchObject({
        kind: 'close',
        reason,
        stateBefore: 'down',
        stateAfter: 'down',
        notification: 'outage_resolved',
        event: { startedAt: NOW - 60_000, endedAt: NOW, resolutionReason: reason },
      });
    },
  );

  it('closes a suspected outage or a certificate event without notifying', () => {
    expect(closeEvent(event('seems_down', 'low'), 'manual', { now: NOW }).notification).toBeNull();
    expect(closeEvent(event('cert_expiring', 'warning'), 'check_deleted', { now: NOW }).notification).toBeNull();
  });

  it('never notifies when a maintenance window closes an event', () => {
    expect(closeEvent(event('down', 'high'), 'maintenance', { now: NOW })).toMatchObject({ reason: 'maintenance', notification: null });
  });

  it('refuses to close an event twice', () => {
    const closed: EventState = { ...event('down', 'high'), endedAt: NOW, resolutionReason: 'recovered' };
    expect(() => closeEvent(closed, 'manual', { now: NOW + 1 })).toThrow(expect.objectContaining({ reason: 'event_closed' }));
  });
});
