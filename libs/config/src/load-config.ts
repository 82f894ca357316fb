import { z } from 'zod';

/** The environment as the process sees it. */
export type Env = Record<string, string | undefined>;

/** The exit status of sysexits.h for "configuration error", so supervisors can tell it from a crash. */
export const EX_CONFIG = 78;

/** A configuration that cannot start the process. Its message is one line naming every problem. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
  }
}

type UnionToIntersection<U> = (U extends unknown ? (arg: U) => void : never) extends (arg: infer I) => void ? I : never;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

export type EnvPart = z.ZodType<object>;
export type EnvOutput<Parts extends readonly EnvPart[]> = Simplify<UnionToIntersection<z.output<Parts[number]>>>;

/**
 * Joins environment parts (`commonEnv`, `databaseEnv`, an app's own `z.object`…) into one
 * schema. Every part is checked even when another fails, so one start-up reports every
 * bad variable at once. Parts must not share variables.
 */
export function envSchema<const Parts extends readonly [EnvPart, ...EnvPart[]]>(...parts: Parts): z.ZodType<EnvOutput<Parts>> {
  const [first, ...rest] = parts;
  return rest.reduce<z.ZodType>((joined, part) => z.intersection(joined, part), first) as z.ZodType<EnvOutput<Parts>>;
}

/** Parses `env` with `schema`, or throws a ConfigError naming each bad or missing variable. */
export function loadConfig<T>(schema: z.ZodType<T>, env: Env = process.env): T {
  const result = schema.safeParse(env, { reportInput: true });
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map(describeIssue));
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const variable = issue.path.map(String).join('.');
  let problem: string;
  if (issue.code === 'custom') problem = issue.message;
  else if (issue.code === 'invalid_type' && issue.input === undefined) problem = 'is required';
  else problem = `is invalid: ${issue.message}`;
  // Messages land on one stderr line and in one log field.
  return (variable === '' ? problem : `${variable} ${problem}`).replace(/\s+/g, ' ');
}

export interface ExitIo {
  stderr: { write(text: string): unknown };
  exit(code: number): never;
}

/**
 * Runs `read` (an app's config reader) and, on a ConfigError, prints its one line to
 * stderr and exits with EX_CONFIG instead of a stack trace. Other errors pass through.
 */
export function exitOnConfigError<T>(read: () => T, io: ExitIo = { stderr: process.stderr, exit: (code) => process.exit(code) }): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`${error.message}\n`);
    return io.exit(EX_CONFIG);
  }
}

/** The typed configuration a schema made with `envSchema` produces. */
export type ConfigOf<Schema extends z.ZodType> = z.output<Schema>;
