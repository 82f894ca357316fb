import { budgetBar, burnText, percent } from '../public/js/views/slo-panel.js';

describe('the SLO panel', () => {
  it('says availability and burn rates as people read them', () => {
    expect(percent(0.99976)).toBe('99.976 %');
    expect(percent(null)).toBe('—');
    expect([0, 2.456, 14.4, 166.67, 1000].map(burnText)).toEqual(['0×', '2.46×', '14.4×', '167×', '1000×']);
    expect(burnText(null)).toBe('—');
  });

  it('fills the budget bar by what is left, empty and red once overspent', () => {
    expect(budgetBar(1)).toEqual({ width: 100, tone: 'ok' });
    expect(budgetBar(0.3)).toEqual({ width: 30, tone: 'warn' });
    expect(budgetBar(-0.5)).toEqual({ width: 0, tone: 'down' });
    expect(budgetBar(null)).toEqual({ width: 0, tone: 'ok' });
  });
});
