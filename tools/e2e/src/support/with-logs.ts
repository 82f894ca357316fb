import type { Fleet } from '@vigil/processes';

/** `error`, with the last lines of every process, so that a failure explains itself. */
export function withLogs(error: unknown, fleet: Fleet | undefined): Error {
  const original = error instanceof Error ? error : new Error(String(error));
  if (fleet === undefined) return original;
  const exits = fleet.unexpectedExits();
  const crashed = exits.length > 0 ? `\n\nprocesses that exited on their own:\n${exits.join('\n')}` : '';
  return new Error(`${original.stack ?? original.message}${crashed}\n\nlast lines of each process:\n${fleet.logTails()}`, { cause: original });
}
