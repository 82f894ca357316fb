import { LifecycleError } from './errors';
import { foldTransition } from './transition';
import type { EventState } from './types';
import { decideUnknown } from './unknown';

const T0 = 1_700_000_000_000;
const spell: EventState = { type: 'unknown', severity: 'low', startedAt: T0, endedAt: null, resolutionReason: null };

describe('decideUnknown', () => {
  it('opens a low spell, notifying nobody, when the check turns unknown', () => {
    expect(decideUnknown(null, { before: false, after: true }, { now: T0 })).toEqual({
      kind: 'open',
      stateBefore: null,
      stateAfter: 'unknown',
      severityBefore: null,
      severityAfter: 'low',
      reason: 'opened',
      at: T0,
      event: spell,
      notification: null,
    });
  });

  it('does nothing while the check is not unknown and no spell is open', () => {
    expect(decideUnknown(null, { before: false, after: false }, { now: T0 })).toEqual({ kind: 'none', notification: null });
    expect(decideUnknown(null, { before: true, after: false }, { now: T0 })).toEqual({ kind: 'none', notification: null });
  });

  it('opens nothing for a check that was unknown already (a new check before its locations report)', () => {
    expect(decideUnknown(null, { before: true, after: true }, { now: T0 })).toEqual({ kind: 'none', notification: null });
  });

  it('keeps the open spell while the check stays unknown: one open per check', () => {
    expect(decideUnknown(spell, { before: true, after: true }, { now: T0 + 5_000 })).toEqual({ kind: 'none', notification: null });
  });

  it('closes the spell as recovered, silently, once the check leaves unknown', () => {
    const t = decideUnknown(spell, { before: true, after: false }, { now: T0 + 60_000 });
    expect(t).toMatchObject({ kind: 'close', reason: 'recovered', stateBefore: 'unknown', stateAfter: 'unknown', notification: null, at: T0 + 60_000 });
    expect(foldTransition(spell, t)).toBeNull();
  });

  it('refuses a closed spell and an event of another kind', () => {
    expect(() => decideUnknown({ ...spell, endedAt: T0 + 1, resolutionReason: 'recovered' }, { before: true, after: false }, { now: T0 + 2 })).toThrow(LifecycleError);
    expect(() => decideUnknown({ ...spell, type: 'down', severity: 'high' }, { before: false, after: false }, { now: T0 })).toThrow(/decideUnknown handles unknown events, not down/);
  });

  it('opens, holds and closes exactly once over a toggling status', () => {
    let open: EventState | null = null;
    const kinds: string[] = [];
    const statuses = [false, true, true, false, false, true, false];
    statuses.forEach((unknown, i) => {
      const t = decideUnknown(open, { before: statuses[i - 1] ?? false, after: unknown }, { now: T0 + i });
      kinds.push(t.kind);
      open = foldTransition(open, t);
    });
    expect(kinds).toEqual(['none', 'open', 'none', 'close', 'none', 'open', 'close']);
    expect(open).toBeNull();
  });
});
