import { histogramOf } from './check-rollups';

describe('histogramOf', () => {
  it('reads an int[] as PostgreSQL prints it', () => {
    expect(histogramOf('{0,3,0,12}')).toEqual([0, 3, 0, 12]);
    expect(histogramOf('{}')).toEqual([]);
  });

  it('refuses text that is not an array literal', () => {
    expect(() => histogramOf('0,3')).toThrow('not an int[] literal: 0,3');
  });
});
