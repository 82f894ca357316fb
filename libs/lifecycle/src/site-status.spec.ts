import { SITE_STATUSES, worstStatus } from './site-status';

describe('worstStatus', () => {
  it('picks the worst status, worst first as DESIGN orders them', () => {
    expect(worstStatus(['up', 'seems_down', 'unknown'])).toBe('seems_down');
    expect(worstStatus(['up', 'down', 'seems_down'])).toBe('down');
    expect(worstStatus(['up', 'unknown'])).toBe('unknown');
    expect(worstStatus(['up', 'maintenance'])).toBe('maintenance');
    expect(worstStatus(['up'])).toBe('up');
  });

  it('is unknown for a site without enabled checks', () => {
    expect(worstStatus([])).toBe('unknown');
  });

  it('agrees with the order of SITE_STATUSES for every pair', () => {
    for (const [i, a] of SITE_STATUSES.entries()) {
      for (const b of SITE_STATUSES.slice(i)) expect(worstStatus([b, a])).toBe(a);
    }
  });
});
