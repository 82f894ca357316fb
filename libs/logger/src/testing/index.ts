import { Writable } from 'node:stream';
import { createLogger, type LogFormat, type Logger, type LogLevel } from '../logger';

export interface CapturedLogger {
  logger: Logger;
  /** Every entry written so far, as rendered (a pretty entry with a stack spans several lines). */
  lines(): string[];
  /** Every line parsed as JSON; only meaningful with the json format (the default). */
  entries(): Array<Record<string, unknown>>;
}

/** A real logger (same formats, same redaction) whose output is kept in memory for assertions. */
export function createCapturedLogger(
  options: { service?: string; level?: LogLevel; format?: LogFormat; colors?: boolean } = {},
): CapturedLogger {
  const written: string[] = [];
  // winston writes each entry in one call, so one chunk is one (possibly multi-line) entry.
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk.toString('utf8').replace(/\r?\n$/, ''));
      done();
    },
  });
  const logger = createLogger({ ...options, service: options.service ?? 'test', level: options.level ?? 'debug', stream });
  const lines = () => [...written];
  return { logger, lines, entries: () => lines().map((line) => JSON.parse(line) as Record<string, unknown>) };
}
