import { LifecycleError } from './errors';
import {
  compareSeverity,
  EVENT_SEVERITIES,
  EVENT_TYPES,
  eventKindOf,
  parseEventSeverity,
  parseEventType,
  parseResolutionReason,
  RESOLUTION_REASONS,
  type EventSeverity,
  type EventType,
  type ResolutionReason,
} from './types';

// Compile-time checks (the typecheck target fails if any of these stops holding).
type NoOverlap<A, B> = [Extract<A, B>] extends [never] ? true : false;
const disjoint: [NoOverlap<EventType, EventSeverity>, NoOverlap<EventType, ResolutionReason>, NoOverlap<EventSeverity, ResolutionReason>] = [
  true,
  true,
  true,
];

const takesType = (t: EventType): EventType => t;
const takesSeverity = (s: EventSeverity): EventSeverity => s;
const takesReason = (r: ResolutionReason): ResolutionReason => r;

describe('event vocabularies', () => {
  it('share no value between event types, severities and resolution reasons', () => {
    expect(disjoint).toEqual([true, true, true]);
    const all = [...EVENT_TYPES, ...EVENT_SEVERITIES, ...RESOLUTION_REASONS];
    expect(new Set(all).size).toBe(all.length);
  });

  it('cannot pass one vocabulary where another is expected', () => {
    const severity: EventSeverity = 'low';
    const type: EventType = 'down';
    const reason: ResolutionReason = 'recovered';
    // @ts-expect-error a severity is not an event type
    takesType(severity);
    // @ts-expect-error an event type is not a severity
    takesSeverity(type);
    // @ts-expect-error a resolution reason is not an event type
    takesType(reason);
    // @ts-expect-error an event type is not a resolution reason
    takesReason(type);
    // @ts-expect-error a plain string must be parsed first
    takesType('down' as string);
    expect(takesType(type)).toBe('down');
  });

  it('names the issue’s types and reasons exactly', () => {
    expect(EVENT_TYPES).toEqual(['seems_down', 'down', 'cert_expiring', 'runner_offline', 'unknown', 'degraded', 'slo_burn']);
    expect(RESOLUTION_REASONS).toEqual(['recovered', 'false_alarm', 'maintenance', 'check_disabled', 'check_deleted', 'manual']);
    expect(EVENT_SEVERITIES[0]).toBe('low');
    expect(EVENT_SEVERITIES.at(-1)).toBe('high');
  });

  it('puts seems_down and down in one outage kind, so only one of them can be open per check', () => {
    expect(eventKindOf('seems_down')).toBe('outage');
    expect(eventKindOf('down')).toBe('outage');
    expect(eventKindOf('cert_expiring')).toBe('certificate');
    expect(eventKindOf('runner_offline')).toBe('runner');
    expect(eventKindOf('unknown')).toBe('unknown');
  });

  it('orders severities from low to high', () => {
    expect(compareSeverity('low', 'high')).toBeLessThan(0);
    expect(compareSeverity('elevated', 'warning')).toBeGreaterThan(0);
    expect(compareSeverity('warning', 'warning')).toBe(0);
  });

  it('parses stored strings into each vocabulary', () => {
    expect(parseEventType('seems_down')).toBe('seems_down');
    expect(parseEventSeverity('elevated')).toBe('elevated');
    expect(parseResolutionReason('false_alarm')).toBe('false_alarm');
  });

  it('rejects a value of another vocabulary when parsing, with a loggable reason', () => {
    expect(() => parseEventType('low')).toThrow(LifecycleError);
    expect(() => parseEventSeverity('down')).toThrow('"down" is not an event severity (one of low, warning, elevated, high)');
    let caught: unknown;
    try {
      parseResolutionReason('down');
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ name: 'LifecycleError', reason: 'unknown_value' });
  });
});
