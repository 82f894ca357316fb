import { setTimeout as sleep } from 'node:timers/promises';
import {
  createCheck,
  createSite,
  getEvent,
  listCheckLocations,
  listCheckResults,
  listEvents,
  MIN_INTERVAL_S,
  type ResponseOf,
} from '@vigil/contracts';
import { type ApiCall, listAll, type LocationTarget } from '@vigil/processes';
import { until } from '../support/until';

export const LOCATIONS = ['us-1', 'eu-1', 'ap-1'] as const;
/** The shortest interval a check may have: every scenario waits for a few of them. */
export const INTERVAL_S = MIN_INTERVAL_S;
export const FAILING_THRESHOLD = 2;

export type Site = ResponseOf<typeof createSite>;
export type Check = ResponseOf<typeof createCheck>;
export type Event = ResponseOf<typeof listEvents>['data'][number];
export type CheckResult = ResponseOf<typeof listCheckResults>['data'][number];
export type CheckLocation = ResponseOf<typeof listCheckLocations>['data'][number];

/**
 * Waits until `condition` holds, asking at most every `everyMs`: each question goes through
 * the API of a controller that shares two cores with six other processes.
 */
export function eventually(condition: () => Promise<boolean>, what: string, timeoutMs: number, everyMs = 250): Promise<void> {
  let first = true;
  return until(
    async () => {
      if (!first) await sleep(everyMs);
      first = false;
      return condition();
    },
    what,
    timeoutMs,
  );
}

/** A site with one http check of the target at every location: down once 2 of the 3 failed twice in a row. */
export interface MonitoredSite {
  readonly site: Site;
  readonly check: Check;
  /** The target's path the check probes. */
  readonly path: string;
}

export async function monitoredSite(api: ApiCall, target: LocationTarget, name: string): Promise<MonitoredSite> {
  const site = await api(createSite, { body: { name } });
  const path = `/${site.slug}/health`;
  const check = await api(createCheck, {
    body: {
      site_id: site.id,
      type: 'http',
      name: `${name} health`,
      target: `${target.url}${path}`,
      spec: { expected_statuses: [200] },
      interval_s: INTERVAL_S,
      // Generous: on a loaded machine a probe of a loopback server can stall, and a failed probe is a blip.
      timeout_ms: 5_000,
      locations: [...LOCATIONS],
      failing_threshold: FAILING_THRESHOLD,
      passing_threshold: 1,
      failing_locations_threshold: 2,
    },
  });
  return { site, check, path };
}

export const eventsOf = async (api: ApiCall, check: Check): Promise<Event[]> => (await api(listEvents, { query: { check_id: check.id } })).data;

export const locationsOf = async (api: ApiCall, check: Check): Promise<Map<string, CheckLocation>> =>
  new Map((await api(listCheckLocations, { params: { id: check.id } })).data.map((state) => [state.location, state]));

/** Every result of the check, newest first. */
export const resultsOf = (api: ApiCall, check: Check): Promise<CheckResult[]> => listAll(api, listCheckResults, { params: { id: check.id } });

/** An event's transitions as `reason by source`, oldest first. */
export async function transitionsOf(api: ApiCall, eventId: string): Promise<string[]> {
  return (await api(getEvent, { params: { id: eventId } })).transitions.map((t) => `${t.reason} ${t.state_after}/${t.severity_after} by ${t.source}`);
}

/** Until the check has been probed and evaluated at every location, and is up. */
export async function untilUp(api: ApiCall, monitored: MonitoredSite): Promise<void> {
  await eventually(
    async () => {
      const states = await locationsOf(api, monitored.check);
      const allPassed = LOCATIONS.every((location) => states.get(location)?.last_result?.ok === true);
      const open = (await eventsOf(api, monitored.check)).filter((event) => event.state === 'open');
      return allPassed && open.length === 0;
    },
    `${monitored.site.name}: a passing result from every location and no open event`,
    3 * INTERVAL_S * 1000,
  );
}

/** Until every location in `locations` has at least `strikes` failing strikes. */
export function untilStrikes(api: ApiCall, monitored: MonitoredSite, locations: readonly string[], strikes: number): Promise<void> {
  return eventually(
    async () => {
      const states = await locationsOf(api, monitored.check);
      return locations.every((location) => (states.get(location)?.failing_strikes ?? 0) >= strikes);
    },
    `${monitored.site.name}: ${strikes} failing strikes at ${locations.join(', ')}`,
    (strikes + 2) * INTERVAL_S * 1000,
  );
}

/** Until the check has an open event that `matches`; gives it. */
export async function untilOpenEvent(api: ApiCall, monitored: MonitoredSite, what: string, matches: (event: Event) => boolean, timeoutMs: number): Promise<Event> {
  let found: Event | undefined;
  await eventually(
    async () => {
      found = (await eventsOf(api, monitored.check)).find((event) => event.state === 'open' && matches(event));
      return found !== undefined;
    },
    `${monitored.site.name}: ${what}`,
    timeoutMs,
  );
  return found as Event;
}

/** Until the event `id` of the check `matches`; gives it. Other events of the check (a blip of one location) do not matter. */
export async function untilEvent(api: ApiCall, monitored: MonitoredSite, id: string, what: string, matches: (event: Event) => boolean, timeoutMs: number): Promise<Event> {
  let found: Event | undefined;
  await eventually(
    async () => {
      found = (await eventsOf(api, monitored.check)).find((event) => event.id === id && matches(event));
      return found !== undefined;
    },
    `${monitored.site.name}: ${what}`,
    timeoutMs,
  );
  return found as Event;
}
