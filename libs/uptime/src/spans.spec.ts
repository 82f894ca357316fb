import { clipSpans, mergeSpans, subtractSpans, totalLength } from './spans';

const s = (start: number, end: number) => ({ start, end });

describe('mergeSpans', () => {
  it('joins overlapping and touching spans and sorts them', () => {
    expect(mergeSpans([s(50, 60), s(0, 10), s(5, 20), s(20, 30), s(55, 58)])).toEqual([s(0, 30), s(50, 60)]);
  });

  it('drops empty and inverted spans', () => {
    expect(mergeSpans([s(5, 5), s(9, 3), s(1, 2)])).toEqual([s(1, 2)]);
  });

  it('does not change its input', () => {
    const input = [s(10, 20), s(0, 15)];
    mergeSpans(input);
    expect(input).toEqual([s(10, 20), s(0, 15)]);
  });
});

describe('clipSpans', () => {
  it('keeps only what lies inside the bounds', () => {
    expect(clipSpans([s(0, 10), s(20, 30), s(40, 50)], s(5, 45))).toEqual([s(5, 10), s(20, 30), s(40, 45)]);
    expect(clipSpans([s(0, 10)], s(10, 20))).toEqual([]);
  });
});

describe('subtractSpans', () => {
  it('cuts holes out of spans, including holes that straddle several spans', () => {
    expect(subtractSpans([s(0, 10), s(20, 30)], [s(2, 4), s(8, 22), s(25, 26)])).toEqual([s(0, 2), s(4, 8), s(22, 25), s(26, 30)]);
  });

  it('removes a span a hole covers whole and leaves spans no hole touches', () => {
    expect(subtractSpans([s(0, 10), s(20, 30), s(40, 50)], [s(-5, 15), s(30, 40)])).toEqual([s(20, 30), s(40, 50)]);
    expect(subtractSpans([s(0, 10)], [])).toEqual([s(0, 10)]);
  });
});

describe('totalLength', () => {
  it('adds up span lengths', () => {
    expect(totalLength([s(0, 10), s(20, 25)])).toBe(15);
    expect(totalLength([])).toBe(0);
  });
});
