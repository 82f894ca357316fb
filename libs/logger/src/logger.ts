import winston from 'winston';
import { isSecretKey, redact, REDACTED } from './redact';

export const LOG_LEVELS = ['error', 'warn', 'info', 'http', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export type Logger = winston.Logger;

export interface LoggerOptions {
  /** Name of the process's role (`controller-api`, `runner`…), written on every line. */
  service: string;
  level?: LogLevel;
  format?: LogFormat;
  /** Where lines go; stdout when absent. Tests pass a stream to read what was logged. */
  stream?: NodeJS.WritableStream;
  /** ANSI colours in the pretty format; by default only when writing to a terminal. */
  colors?: boolean;
}

// winston writes whatever is under triple-beam's MESSAGE symbol; Symbol.for gives the same
// registered symbol without importing a package the root package.json does not list.
const MESSAGE = Symbol.for('message');

type Info = winston.Logform.TransformableInfo;

export function createLogger(options: LoggerOptions): Logger {
  const format = options.format ?? 'json';
  const colors = options.colors ?? (format === 'pretty' && !options.stream && process.stdout.isTTY === true);
  const transport = options.stream
    ? new winston.transports.Stream({ stream: options.stream })
    : new winston.transports.Console();
  return winston.createLogger({
    level: options.level ?? 'info',
    defaultMeta: { service: options.service },
    format: winston.format.combine(
      winston.format.errors({ stack: true }),
      redactFields(),
      winston.format.timestamp(),
      format === 'json' ? jsonLine() : prettyLine(colors),
    ),
    transports: [transport],
  });
}

const redactFields = winston.format((info) => {
  // Only string keys are fields; winston's own symbols must survive untouched.
  for (const key of Object.keys(info)) {
    if (key === 'level') continue;
    info[key] = isSecretKey(key) ? REDACTED : redact(info[key]);
  }
  return info;
});

function splitInfo(info: Info): { head: Record<string, unknown>; fields: Record<string, unknown> } {
  const { level, message, timestamp, service, ...fields } = info as Info & Record<string, unknown>;
  return { head: { timestamp, level, service, message }, fields };
}

// Fixed key order (timestamp, level, service, message, then fields) keeps lines
// scannable; logform's json format sorts nothing and puts fields first.
const jsonLine = winston.format((info) => {
  const { head, fields } = splitInfo(info);
  info[MESSAGE] = JSON.stringify({ ...head, ...fields });
  return info;
});

const ANSI = { red: 31, yellow: 33, green: 32, magenta: 35, blue: 34, gray: 90 } as const;
const LEVEL_COLORS: Record<string, keyof typeof ANSI> = {
  error: 'red',
  warn: 'yellow',
  info: 'green',
  http: 'magenta',
  debug: 'blue',
};

function prettyLine(colors: boolean) {
  const paint = (color: keyof typeof ANSI, text: string) => (colors ? `\u001b[${ANSI[color]}m${text}\u001b[39m` : text);
  return winston.format((info) => {
    const { head, fields } = splitInfo(info);
    const { stack, ...rest } = fields;
    const level = String(head.level);
    const pairs = Object.entries(rest).map(([key, value]) => `${key}=${typeof value === 'string' ? quoteIfNeeded(value) : JSON.stringify(value)}`);
    const line = [
      paint('gray', String(head.timestamp)),
      paint(LEVEL_COLORS[level] ?? 'gray', level.toUpperCase().padEnd(5)),
      `[${String(head.service)}]`,
      String(head.message),
      pairs.length > 0 ? paint('gray', pairs.join(' ')) : '',
    ]
      .filter((part) => part !== '')
      .join(' ');
    info[MESSAGE] = typeof stack === 'string' ? `${line}\n${stack}` : line;
    return info;
  })();
}

function quoteIfNeeded(value: string): string {
  return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
}
