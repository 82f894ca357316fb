import { storableText } from './text';

describe('storableText', () => {
  it('replaces NUL characters and unpaired surrogates, which PostgreSQL refuses', () => {
    expect(storableText('a\u0000b\uD800c')).toBe('a\uFFFDb\uFFFDc');
  });

  it('keeps whole surrogate pairs and cuts long text with an ellipsis', () => {
    expect(storableText('ok 😀')).toBe('ok 😀');
    expect(storableText('abcdef', 4)).toBe('abc…');
  });

  it('never leaves half a pair where it cuts', () => {
    expect(storableText('a😀bc', 3)).toBe('a\uFFFD…');
  });
});
