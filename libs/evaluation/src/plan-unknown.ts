import type { Check, SiteStatus } from '@vigil/db';
import { decideUnknown, isMutation, type EventState } from '@vigil/lifecycle';
import { locationStatus, type LocationState, type QuorumPolicy } from '@vigil/quorum';
import type { EventChange, EventRef } from './plan';

/** A check's open unknown spell, if any: its state and how the plan names it. */
export interface Spell {
  readonly state: EventState | null;
  readonly ref: EventRef | null;
}

/** Which of a check's locations count for the quorum at an instant, by name. */
export interface Freshness {
  readonly fresh: readonly string[];
  /** Silent past the freshness window, or never reported. */
  readonly stale: readonly string[];
  /** Their latest result was inconclusive. */
  readonly inconclusive: readonly string[];
}

/** The locations of `states` by how they count at `now`. */
export function freshnessOf(policy: QuorumPolicy, states: readonly LocationState[], now: number): Freshness {
  const of = (wanted: (s: ReturnType<typeof locationStatus>) => boolean) =>
    states.filter((s) => wanted(locationStatus(policy, s, now))).map((s) => s.location);
  return { fresh: of((s) => s !== 'stale' && s !== 'inconclusive'), stale: of((s) => s === 'stale'), inconclusive: of((s) => s === 'inconclusive') };
}

/** What a change of a check's status means for its unknown spell. */
export interface SpellFacts {
  readonly check: Pick<Check, 'id' | 'uuid' | 'endpointId' | 'type'>;
  readonly siteId: number;
  readonly policy: QuorumPolicy;
  readonly states: readonly LocationState[];
  /** Open runner_offline events by location. */
  readonly runnersOffline: ReadonlyMap<string, bigint>;
  readonly statusBefore: SiteStatus;
  readonly statusAfter: SiteStatus;
  readonly at: number;
  /** Who saw it: `location:<slug>` for a result, `system` for the freshness sweep. */
  readonly source: string;
  /** The name later steps use for a spell this opens. */
  readonly key: string;
}

/**
 * The unknown spell's change (pure), if the status change calls for one: it opens when the
 * check turns `unknown` (naming the stale and inconclusive locations, and caused by the open
 * `runner_offline` of a silent one, if any) and closes as `recovered` when it leaves `unknown`.
 * No notification either way.
 */
export function planUnknownSpell(spell: Spell, facts: SpellFacts): EventChange | null {
  // A late result (a runner's spool replayed) can be older than the spell it ends: never close before it began.
  const now = spell.state === null ? facts.at : Math.max(facts.at, spell.state.startedAt);
  const transition = decideUnknown(spell.state, { before: facts.statusBefore === 'unknown', after: facts.statusAfter === 'unknown' }, { now });
  if (!isMutation(transition)) return null;
  const { check } = facts;
  const freshness = freshnessOf(facts.policy, facts.states, facts.at);
  const open = transition.kind === 'open';
  const cause = open ? offlineCause(facts.runnersOffline, freshness.stale) : null;
  const fields = { check: check.uuid };
  return {
    kind: 'event',
    mutation: transition,
    site: { id: facts.siteId },
    checkId: check.id,
    endpointId: check.endpointId,
    checkType: check.type,
    location: null,
    causeEventId: cause?.eventId ?? null,
    on: open ? null : spell.ref,
    key: open ? facts.key : null,
    audit: {
      source: facts.source,
      metadata: {
        status: facts.statusAfter,
        required: facts.policy.required,
        fresh_locations: [...freshness.fresh],
        stale_locations: [...freshness.stale],
        inconclusive_locations: [...freshness.inconclusive],
        ...(open ? { caused_by_runner_offline: cause?.location ?? null } : {}),
      },
    },
    notify: [],
    log: {
      fields,
      written: open
        ? {
            level: 'info',
            message: 'unknown spell opened: too few fresh, conclusive locations for the quorum',
            fields: { stale: freshness.stale, inconclusive: freshness.inconclusive, runner_offline: cause?.location ?? null },
          }
        : { level: 'info', message: `unknown spell closed: the check is ${facts.statusAfter}` },
      skipped: `read-only: unknown spell ${transition.kind} skipped`,
    },
  };
}

/** The open runner_offline event of the first silent location whose runner has one. */
function offlineCause(runnersOffline: ReadonlyMap<string, bigint>, silent: readonly string[]): { location: string; eventId: bigint } | null {
  for (const location of silent) {
    const eventId = runnersOffline.get(location);
    if (eventId !== undefined) return { location, eventId };
  }
  return null;
}
