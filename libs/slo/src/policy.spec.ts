import { SloInputError } from './errors';
import { burnRules, decideBurn, type BurnRule } from './policy';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** Burn rates by window length; any other window is a bug in the test. */
function burns(table: Record<number, number | null>): (ms: number) => number | null {
  return (ms) => {
    if (!(ms in table)) throw new Error(`no burn given for ${ms} ms`);
    return table[ms];
  };
}

const RULES_30 = burnRules(30);

describe('burnRules', () => {
  it('is the workbook table for a 30-day window', () => {
    expect(RULES_30).toEqual([
      { name: 'fast', threshold: 14.4, budgetFraction: 0.02, longMs: HOUR, shortMs: 5 * MIN, severity: 'elevated' },
      { name: 'slow', threshold: 6, budgetFraction: 0.05, longMs: 6 * HOUR, shortMs: 30 * MIN, severity: 'warning' },
    ]);
  });

  it('scales the windows with the SLO window, keeping burn rates and budget fractions', () => {
    const [fast, slow] = burnRules(7);
    expect(fast).toMatchObject({ threshold: 14.4, longMs: 14 * MIN, shortMs: 70_000 });
    expect(slow).toMatchObject({ threshold: 6, longMs: 84 * MIN, shortMs: 7 * MIN });
    const [fast90] = burnRules(90);
    expect(fast90).toMatchObject({ longMs: 3 * HOUR, shortMs: 15 * MIN });
  });

  it('keeps "burn rate × long window = budget fraction × SLO window" for every window', () => {
    for (let days = 1; days <= 365; days += 1) {
      for (const rule of burnRules(days)) {
        expect(rule.threshold * rule.longMs).toBeCloseTo(rule.budgetFraction * days * 86_400_000, -1);
        expect(rule.shortMs).toBe(Math.round(rule.longMs / 12));
      }
    }
  });

  it('refuses a window outside 1..365 days', () => {
    expect(() => burnRules(0)).toThrow(SloInputError);
    expect(() => burnRules(400)).toThrow(SloInputError);
  });
});

describe('decideBurn', () => {
  const calm = { [HOUR]: 0, [5 * MIN]: 0, [6 * HOUR]: 0, [30 * MIN]: 0 };

  it('does not burn when nothing is bad', () => {
    const d = decideBurn(RULES_30, burns(calm), false);
    expect(d).toMatchObject({ burning: false, rule: null });
    expect(d.tiers.map((t) => [t.firing, t.holding])).toEqual([
      [false, false],
      [false, false],
    ]);
  });

  it('fires the fast rule when the 1 h and the 5 min burns are both above 14.4', () => {
    const d = decideBurn(RULES_30, burns({ ...calm, [HOUR]: 15, [5 * MIN]: 100 }), false);
    expect(d.burning).toBe(true);
    expect(d.rule?.name).toBe('fast');
    expect(d.rule?.severity).toBe('elevated');
    expect(d.tiers[0]).toMatchObject({ longBurn: 15, shortBurn: 100, firing: true, holding: true });
  });

  it('does not fire on a short blip the long window has not seen enough of', () => {
    // A total outage of the last few minutes: the 5-min window is on fire, the hour not yet over 14.4.
    const d = decideBurn(RULES_30, burns({ ...calm, [HOUR]: 14, [5 * MIN]: 1000, [30 * MIN]: 5 }), false);
    expect(d.burning).toBe(false);
  });

  it('does not fire on a long window that remembers an outage which has ended', () => {
    const d = decideBurn(RULES_30, burns({ [HOUR]: 500, [5 * MIN]: 0, [6 * HOUR]: 80, [30 * MIN]: 0 }), false);
    expect(d.burning).toBe(false);
  });

  it('fires the slow rule when the 6 h and the 30 min burns are above 6', () => {
    const d = decideBurn(RULES_30, burns({ [HOUR]: 7, [5 * MIN]: 7, [6 * HOUR]: 6.5, [30 * MIN]: 7 }), false);
    expect(d).toMatchObject({ burning: true, rule: { name: 'slow', severity: 'warning' } });
  });

  it('names the fast rule when both fire', () => {
    const d = decideBurn(RULES_30, burns({ [HOUR]: 20, [5 * MIN]: 20, [6 * HOUR]: 20, [30 * MIN]: 20 }), false);
    expect(d.rule?.name).toBe('fast');
  });

  it('compares strictly: a burn equal to the threshold does not fire', () => {
    const d = decideBurn(RULES_30, burns({ [HOUR]: 14.4, [5 * MIN]: 14.4, [6 * HOUR]: 6, [30 * MIN]: 6 }), false);
    expect(d.burning).toBe(false);
  });

  it('keeps an open alert while a short window stays above its threshold (hysteresis)', () => {
    // The long windows have fallen below, the 30-min one has not: still burning.
    const d = decideBurn(RULES_30, burns({ [HOUR]: 3, [5 * MIN]: 2, [6 * HOUR]: 4, [30 * MIN]: 6.1 }), true);
    expect(d).toMatchObject({ burning: true, rule: { name: 'slow' } });
    expect(d.tiers[1]).toMatchObject({ firing: false, holding: true });
    // The same figures would not open one.
    expect(decideBurn(RULES_30, burns({ [HOUR]: 3, [5 * MIN]: 2, [6 * HOUR]: 4, [30 * MIN]: 6.1 }), false).burning).toBe(false);
  });

  it('ends an open alert once every short window is at or below its threshold, the long ones notwithstanding', () => {
    const d = decideBurn(RULES_30, burns({ [HOUR]: 400, [5 * MIN]: 0, [6 * HOUR]: 70, [30 * MIN]: 6 }), true);
    expect(d).toMatchObject({ burning: false, rule: null });
  });

  it('treats an unmonitored window (null) as not burning', () => {
    const d = decideBurn(RULES_30, burns({ [HOUR]: null, [5 * MIN]: null, [6 * HOUR]: null, [30 * MIN]: null }), true);
    expect(d.burning).toBe(false);
    expect(d.tiers[0]).toMatchObject({ longBurn: null, shortBurn: null });
  });

  it('works with any rules, e.g. a single custom one', () => {
    const rule: BurnRule = { name: 'fast', threshold: 2, budgetFraction: 0.1, longMs: 10, shortMs: 1, severity: 'warning' };
    expect(decideBurn([rule], burns({ 10: 3, 1: 3 }), false).burning).toBe(true);
    expect(decideBurn([], () => 1000, true).burning).toBe(false);
  });
});
