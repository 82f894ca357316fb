/**
 * Longest excerpt of what a target said that a result keeps (an assertion's `actual`, tcp
 * `received`): results are readable by read keys, so a probe must not relay a target's answer
 * (issue 12: a metadata service's credentials came back whole in `details.assertion.actual`).
 */
export const MAX_EXCERPT_CHARS = 64;

/**
 * `text` as the controller can store it: NUL characters and unpaired surrogates become
 * U+FFFD (PostgreSQL refuses both), cut to `max` characters with an ellipsis when longer.
 */
export function storableText(text: string, max = Infinity): string {
  const clean = (value: string): string => value.replace(/\0/g, '\uFFFD').replace(/\p{Cs}/gu, '\uFFFD');
  const whole = clean(text);
  // Cutting may split a surrogate pair; cleaning again turns the half into U+FFFD.
  return whole.length <= max ? whole : `${clean(whole.slice(0, max - 1))}…`;
}
