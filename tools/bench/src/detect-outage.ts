import { setTimeout as sleep } from 'node:timers/promises';
import { type createCheck, getCheck, getEvent, listCheckLocations, listCheckResults, listEvents, listNotifications, type ResponseOf } from '@vigil/contracts';
import { type ApiCall, type Fleet, listAll, type LocationTarget, type WebhookLog } from '@vigil/processes';
import { BenchFailure } from './cleanup';
import { FAILING_THRESHOLD } from './detect-options';

type Check = ResponseOf<typeof createCheck>;

/** One outage as measured, all in ms. */
export interface Outage {
  readonly locations: readonly string[];
  /** From the failure's start to the next slot of the check's schedule. */
  readonly phaseMs: number;
  /** From the failure's start to the webhook's receipt of outage_confirmed. */
  readonly detectionMs: number;
  /** phase + (failing_threshold - 1) × interval: when a monitor that probed exactly on its slots would confirm. */
  readonly floorMs: number;
  /** The confirming location's probe, after its slot (the runner's poll comes after the slot is due). */
  readonly slotToProbeMs: number;
  /** That probe to its result stored by the controller (the runner's report batching, the report). */
  readonly probeToStoredMs: number;
  /** The result stored to the evaluation that confirmed the outage (its outbox row's created_at). */
  readonly storedToEvaluatedMs: number;
  /** That evaluation to the webhook's receipt (NOTIFY, the notifier's claim, the delivery). */
  readonly evaluatedToWebhookMs: number;
}

/** Where the monitoring runs: the fleet, its target, the webhook receiver, the check and its schedule. */
export interface DetectRig {
  readonly fleet: Fleet;
  readonly target: LocationTarget;
  readonly webhook: WebhookLog;
  readonly siteId: string;
  readonly check: Check;
  /** The target's path the check probes. */
  readonly path: string;
  readonly intervalMs: number;
  /** Slots are `offsetMs + k × intervalMs` since the epoch (the scheduler's grid, the same at every location). */
  readonly offsetMs: number;
  readonly pollMs: number;
}

const POLL_MS = 50;

/** Polls `probe` (cheap: in memory, or one API call) until it gives a value; fails the bench after `timeoutMs`. */
async function waitFor<T>(rig: DetectRig, what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>, everyMs = POLL_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const exits = rig.fleet.unexpectedExits();
    if (exits.length > 0) throw new BenchFailure(exits.join('\n'));
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new BenchFailure(`no ${what} after ${timeoutMs / 1000} s\n${rig.fleet.logTails()}`);
    await sleep(everyMs);
  }
}

/** The first slot at or after `at`. */
export function slotAtOrAfter(at: number, offsetMs: number, intervalMs: number): number {
  return offsetMs + Math.ceil((at - offsetMs) / intervalMs) * intervalMs;
}

/**
 * The check's slot grid, read from the API: each location's `next_due_at` once it has been
 * leased. Every location must agree on it (the scheduler's offset is per check).
 */
export async function slotOffset(api: ApiCall, check: Check, intervalMs: number): Promise<number> {
  const states = (await api(listCheckLocations, { params: { id: check.id } })).data;
  const offsets = new Set(states.map((state) => Date.parse(state.next_due_at) % intervalMs));
  if (offsets.size !== 1) throw new BenchFailure(`the locations of the check disagree on its schedule: ${states.map((s) => `${s.location} ${s.next_due_at}`).join(', ')}`);
  return [...offsets][0];
}

/** Until the check is up, with no open event and no strike left at any location. */
export function untilQuiet(rig: DetectRig): Promise<true> {
  const { api } = rig.fleet;
  return waitFor(
    rig,
    'quiet check (up, no open event, no strikes)',
    4 * rig.intervalMs + 30_000,
    async () => {
      const check = await api(getCheck, { params: { id: rig.check.id } });
      if (check.status !== 'up') return undefined;
      const open = await api(listEvents, { query: { check_id: rig.check.id, state: 'open' } });
      if (open.data.length > 0) return undefined;
      const states = (await api(listCheckLocations, { params: { id: rig.check.id } })).data;
      return states.every((state) => state.failing_strikes === 0 && state.last_result?.ok === true) ? true : undefined;
    },
    500,
  );
}

/**
 * Starts failing the target for `locations` `phaseMs` before a slot, waits for the webhook's
 * outage_confirmed, reads from the API where the time went, then lets the target recover and
 * waits for outage_recovered.
 */
export async function measureOutage(rig: DetectRig, locations: readonly string[], phaseMs: number): Promise<Outage> {
  const { api } = rig.fleet;
  await untilQuiet(rig);
  // A little ahead: the flip must not be late for the slot it was aimed at.
  const slot = slotAtOrAfter(Date.now() + 500 + phaseMs, rig.offsetMs, rig.intervalMs);
  await sleep(slot - phaseMs - Date.now());
  rig.target.fail(rig.path, locations);
  const startedAt = Date.now();

  const alert = await waitFor(rig, 'outage_confirmed at the webhook', (FAILING_THRESHOLD + 2) * rig.intervalMs + 30_000, () =>
    rig.webhook.alerts(rig.siteId).find((a) => a.kind === 'outage_confirmed' && a.at > startedAt),
  );
  rig.target.fail(rig.path, []);

  const event = await api(getEvent, { params: { id: alert.eventId } });
  const confirmed = event.transitions.find((t) => t.reason === 'confirmed');
  if (confirmed === undefined) throw new BenchFailure(`event ${event.id} was told as confirmed but has no confirmed transition`);
  // The confirming location's failed run of the last strike: its slot is where the floor ends.
  const confirmer = confirmed.source.replace(/^location:/, '');
  const results = await listAll(api, listCheckResults, { params: { id: rig.check.id }, query: { location: confirmer, since: new Date(startedAt).toISOString() } });
  const failures = results.filter((r) => !r.ok).sort((a, b) => Date.parse(a.checked_at) - Date.parse(b.checked_at));
  const confirming = failures[FAILING_THRESHOLD - 1];
  if (confirming === undefined) throw new BenchFailure(`${confirmer} confirmed event ${event.id} with ${failures.length} failed results since the failure began`);
  // A transition is dated by the result it came from; the outbox row, by the evaluation that wrote it.
  const notifications = (await api(listNotifications, { query: { event_id: event.id } })).data;
  const told = notifications.find((n) => n.kind === 'outage_confirmed');
  if (told === undefined) throw new BenchFailure(`event ${event.id} has no outage_confirmed notification`);
  const probeAt = Date.parse(confirming.checked_at);
  const storedAt = Date.parse(confirming.received_at);
  const evaluatedAt = Date.parse(told.created_at);
  // The slot aimed at, unless the timer fired after it: then the failure began just after a slot.
  const firstSlot = slotAtOrAfter(startedAt, rig.offsetMs, rig.intervalMs);
  const lastSlot = firstSlot + (FAILING_THRESHOLD - 1) * rig.intervalMs;

  await waitFor(rig, 'outage_recovered at the webhook', 3 * rig.intervalMs + 30_000, () =>
    rig.webhook.alerts(rig.siteId).find((a) => a.kind === 'outage_recovered' && a.eventId === alert.eventId),
  );
  const actualPhase = firstSlot - startedAt;
  return {
    locations,
    phaseMs: actualPhase,
    detectionMs: alert.at - startedAt,
    floorMs: actualPhase + (FAILING_THRESHOLD - 1) * rig.intervalMs,
    slotToProbeMs: probeAt - lastSlot,
    probeToStoredMs: storedAt - probeAt,
    storedToEvaluatedMs: evaluatedAt - storedAt,
    evaluatedToWebhookMs: alert.at - evaluatedAt,
  };
}
