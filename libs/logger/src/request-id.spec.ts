import { resolveRequestId } from './request-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('resolveRequestId', () => {
  it('reuses a sane incoming id', () => {
    expect(resolveRequestId('req-123_abc.def:7')).toBe('req-123_abc.def:7');
  });

  it('reuses the first value when the header was repeated', () => {
    expect(resolveRequestId(['first-id', 'second-id'])).toBe('first-id');
  });

  it('makes a random UUID when there is no header', () => {
    expect(resolveRequestId(undefined)).toMatch(UUID);
  });

  it.each([
    ['empty', ''],
    ['with spaces', 'a b'],
    ['with a newline that could forge a log line', 'abc\n{"level":"error"}'],
    ['with quotes', 'a"b'],
    ['longer than 128 characters', 'a'.repeat(129)],
    ['starting with punctuation', '-abc'],
  ])('replaces an id %s with a random UUID', (_label, header) => {
    expect(resolveRequestId(header)).toMatch(UUID);
  });

  it('makes a different id for each request', () => {
    expect(resolveRequestId(undefined)).not.toBe(resolveRequestId(undefined));
  });
});
