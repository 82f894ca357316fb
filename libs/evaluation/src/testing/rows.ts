import type { Check, CheckResult, LocationState, NotificationChannel, SiteEvent } from '@vigil/db';
import type { CheckContext } from '../load-check';

/*
 * Rows as the load step returns them, for the planners' unit tests: no database. A check of
 * site 3 runs from three locations; a location fails after 2 failed runs and recovers after 1
 * pass, and 2 failing locations of 3 confirm an outage (as seed.ts seeds it in a database).
 */

export const START = Date.parse('2026-11-23T10:00:00.000Z');
export const at = (seconds: number) => new Date(START + seconds * 1000);
export const LOCATIONS = ['eu-1', 'us-1', 'ap-1'] as const;

export function check(patch: Partial<Check> = {}): Check {
  return {
    id: 7,
    uuid: 'check-7',
    endpointId: 70,
    name: null,
    type: 'http',
    spec: {},
    intervalS: 60,
    downIntervalS: null,
    timeoutMs: 10_000,
    degradedLatencyMs: null,
    exportMetrics: false,
    pingToken: null,
    locations: [...LOCATIONS],
    failingThreshold: 2,
    passingThreshold: 1,
    failingLocationsThreshold: '2',
    enabled: true,
    status: 'up',
    lastCheckedAt: at(0),
    lastStatusChangeAt: null,
    createdAt: at(-3600),
    updatedAt: at(-3600),
    deletedAt: null,
    ...patch,
  };
}

export function state(location: string, i: number): LocationState {
  return {
    uuid: `state-${i}`,
    checkId: 7,
    siteId: 3,
    location,
    failingStrikes: 0,
    passingStrikes: 1,
    resolved: true,
    nextDueAt: at(0),
    leaseRunId: null,
    leasedUntil: null,
    lastResultAt: at(0),
    lastOk: true,
    lastInconclusive: false,
    degradedStrikes: 0,
    freshUntil: at(140),
  };
}

let resultId = 0n;
export function result(location: string, ok: boolean, seconds: number): CheckResult {
  resultId++;
  return {
    id: resultId,
    checkId: 7,
    siteId: 3,
    runId: `run-${resultId}`,
    location,
    ok,
    inconclusive: false,
    degraded: false,
    statusCode: ok ? 200 : 503,
    latencyMs: 20,
    timings: null,
    errorCode: ok ? null : 'unexpected_status',
    error: ok ? null : 'expected 2xx, got 503',
    details: null,
    checkedAt: at(seconds),
    receivedAt: at(seconds),
  };
}

/** Every location reports at `seconds` (+0, +1, +2 s, in LOCATIONS order). */
export const round = (seconds: number, ...oks: [boolean, boolean, boolean]) => LOCATIONS.map((location, i) => result(location, oks[i], seconds + i));

export function channel(id: number, notifyOnSeemsDown = false): NotificationChannel {
  return {
    id,
    uuid: `channel-${id}`,
    name: `channel ${id}`,
    type: 'webhook',
    config: {},
    siteIds: [],
    notifyOnSeemsDown,
    notifyOnDegraded: true,
    reminderMinutes: null,
    enabled: true,
    createdAt: at(-3600),
    updatedAt: at(-3600),
  };
}

export function openEvent(eventType: 'seems_down' | 'down', startedAt: Date): SiteEvent {
  return {
    id: 41n,
    uuid: 'event-41',
    siteId: 3,
    endpointId: 70,
    checkId: 7,
    checkType: 'http',
    location: null,
    eventType,
    severity: eventType === 'down' ? 'high' : 'low',
    startedAt,
    endedAt: null,
    resolutionReason: null,
    causeEventId: null,
    metadata: {},
    createdAt: startedAt,
  };
}

export function context(results: CheckResult[], patch: Partial<CheckContext> = {}): CheckContext {
  return {
    check: check(),
    siteId: 3,
    results,
    states: LOCATIONS.map(state),
    openEvent: null,
    openUnknown: null,
    windows: [],
    channels: [channel(1), channel(2, true)],
    runnersOffline: new Map(),
    ...patch,
  };
}
