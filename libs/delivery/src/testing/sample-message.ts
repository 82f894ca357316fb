// Test support: a message about a confirmed outage, built the way the worker builds one.
import type { NotificationKind } from '@vigil/db';
import { buildAlertMessage, type MessageOptions, type MessageSource } from '../message';
import type { AlertMessage } from '../types';

export const SAMPLE_EVENT_UUID = '0f8fad5b-d9cb-469f-a165-70867728950e';

export function sampleSource(kind: NotificationKind = 'outage_confirmed'): MessageSource {
  const closes = kind === 'outage_recovered' || kind === 'outage_resolved' || kind === 'degraded_recovered';
  const degraded = kind === 'degraded_opened' || kind === 'degraded_recovered';
  return {
    notification: { kind, idempotencyKey: `${SAMPLE_EVENT_UUID}:42:7` },
    event: {
      id: 1234n,
      uuid: SAMPLE_EVENT_UUID,
      location: null,
      eventType: degraded ? 'degraded' : 'down',
      severity: degraded ? 'warning' : 'high',
      startedAt: new Date('2026-11-23T10:00:00.000Z'),
      endedAt: closes ? new Date('2026-11-23T10:07:30.000Z') : null,
      resolutionReason: kind === 'outage_recovered' || kind === 'degraded_recovered' ? 'recovered' : kind === 'outage_resolved' ? 'manual' : null,
      metadata: degraded
        ? { location: 'eu-1', degraded_locations: ['eu-1', 'us-1'], degraded: [{ rule: 'latency', limit_ms: 800, latency_ms: 1234 }] }
        : { location: 'eu-1', status_code: 503, error_code: 'ASSERTION_FAILED', error: 'expected 200', failing_locations: ['eu-1', 'us-1'] },
    },
    transition: { reason: 'confirmed', source: 'location:us-1', metadata: { location: 'us-1' }, at: new Date('2026-11-23T10:01:00.000Z') },
    check: { uuid: '7c9e6679-7425-40de-944b-e07fc1f90ae7', name: 'Home page', type: 'http', target: 'https://shop.example/' },
    site: { uuid: '16fd2706-8baf-433b-82eb-8c7fada847da', name: 'Shop' },
  };
}

export function sampleMessage(kind: NotificationKind = 'outage_confirmed', options: MessageOptions = {}): AlertMessage {
  return buildAlertMessage(sampleSource(kind), options);
}
