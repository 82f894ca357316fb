import { toText } from 'rrule-temporal/totext';
import { RecurrenceError } from './errors';
import { parseRule, type Recurrence } from './recurrence';

// toText costs about 10 ms a call; pages list the same few rules on every poll.
const TEXTS_KEPT = 1000;
const texts = new Map<string, string | null>();

/**
 * The rule in English words, as local times in its zone (`every week on Sunday at 2 AM`):
 * for people reading a window, never parsed back. Null when the stored rule no longer reads.
 */
export function ruleText(startsAt: Date, recurrence: Recurrence): string | null {
  const key = `${startsAt.getTime()}|${recurrence.timezone}|${recurrence.rrule}`;
  if (texts.has(key)) return texts.get(key) ?? null;
  let text: string | null;
  try {
    // The zone's abbreviation would be DTSTART's (GMT+2 in summer) all year: the zone is shown beside instead.
    text = toText(parseRule(startsAt, recurrence), 'en', { excludeTzAbbreviation: true });
  } catch (error) {
    if (!(error instanceof RecurrenceError)) throw error;
    text = null;
  }
  if (texts.size >= TEXTS_KEPT) texts.delete(texts.keys().next().value as string);
  texts.set(key, text);
  return text;
}
