import { formatTable, formatTime, yesNo } from './table';

describe('formatting a table', () => {
  it('aligns columns under upper-case headers, two spaces apart, without trailing spaces', () => {
    expect(
      formatTable(
        ['slug', 'name', 'stale'],
        [
          ['us-east-1', 'Virginia', 'no'],
          ['eu-1', 'A much longer name', 'yes'],
        ],
      ),
    ).toBe(['SLUG       NAME                STALE', 'us-east-1  Virginia            no', 'eu-1       A much longer name  yes', ''].join('\n'));
  });

  it('prints only the header for an empty list', () => {
    expect(formatTable(['id', 'site'], [])).toBe('ID  SITE\n');
  });

  it('does not pad an empty last cell into trailing spaces', () => {
    expect(formatTable(['a', 'b'], [['long value', '']])).toBe('A           B\nlong value\n');
  });

  it('keeps each row on one line when a cell holds line breaks or tabs', () => {
    expect(formatTable(['reason'], [['first\nsecond\tthird']])).toBe('REASON\nfirst second third\n');
  });
});

describe('formatting cells', () => {
  it('shows times to the second, in UTC', () => {
    expect(formatTime('2026-11-23T10:00:05.123Z')).toBe('2026-11-23T10:00:05Z');
    expect(formatTime('2026-11-23T11:00:05+01:00')).toBe('2026-11-23T10:00:05Z');
  });

  it('shows a missing time as the word given', () => {
    expect(formatTime(null, 'never')).toBe('never');
    expect(formatTime(null)).toBe('-');
  });

  it('says yes and no', () => {
    expect([yesNo(true), yesNo(false)]).toEqual(['yes', 'no']);
  });
});
