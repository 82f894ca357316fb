import { Cron } from 'croner';

// Cron schedules of heartbeat checks, read by croner (kept, no dependencies): 5 fields (minute
// hour day month weekday) or 6 (seconds first), and nicknames such as @daily, in an IANA zone.

/** Whether `timezone` is an IANA time zone this runtime knows. */
export function isTimeZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/** What is wrong with a cron expression, or undefined. */
export function cronProblem(schedule: string): string | undefined {
  try {
    new Cron(schedule, { paused: true });
    return undefined;
  } catch (error) {
    return `must be a cron expression such as "0 3 * * *" (${error instanceof Error ? error.message : String(error)})`;
  }
}

/** The schedule's first run strictly after `after`, in `timezone` (UTC when absent); null if it never runs again. */
export function nextCronRun(schedule: string, timezone: string | undefined, after: Date): Date | null {
  return new Cron(schedule, { paused: true, timezone: timezone ?? 'UTC' }).nextRun(after);
}

/** The longest gap between two runs among the schedule's next `runs` after `from`, in seconds (at least 1). */
export function longestCronGapS(schedule: string, timezone: string | undefined, from: Date, runs = 12): number {
  let longest = 1;
  let previous = nextCronRun(schedule, timezone, from);
  for (let i = 0; i < runs && previous !== null; i++) {
    const next = nextCronRun(schedule, timezone, previous);
    if (next === null) break;
    longest = Math.max(longest, Math.ceil((next.getTime() - previous.getTime()) / 1000));
    previous = next;
  }
  return longest;
}
