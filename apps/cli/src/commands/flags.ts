import { readFileSync } from 'node:fs';
import { ResourceId } from '@vigil/contracts';
import { type CommandContext, stringFlag, UsageError } from '../context';

/** `true` for `--x`, `false` for `--no-x`, undefined when neither was given. */
export function booleanFlag(ctx: CommandContext, name: string): boolean | undefined {
  const value = ctx.flags[name];
  return typeof value === 'boolean' ? value : undefined;
}

/** A whole number; its range is the API's to check (and to explain). */
export function integerFlag(ctx: CommandContext, name: string): number | undefined {
  const value = stringFlag(ctx.flags, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new UsageError(`--${name} must be a whole number (got "${value}")`);
  return Number(value);
}

/** `a,b` → `['a', 'b']`; an empty value is an empty list. */
export function listFlag(ctx: CommandContext, name: string): string[] | undefined {
  const value = stringFlag(ctx.flags, name);
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/**
 * A JSON object given inline or, with `@FILE`, read from a file: secrets in a file stay out of
 * the shell's history and of `ps`.
 */
export function jsonObjectFlag(ctx: CommandContext, name: string): Record<string, unknown> | undefined {
  const value = stringFlag(ctx.flags, name);
  if (value === undefined) return undefined;
  let text = value;
  if (value.startsWith('@')) {
    try {
      text = readFileSync(value.slice(1), 'utf8');
    } catch (error) {
      throw new UsageError(`--${name}: cannot read ${value.slice(1)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--${name} must be a JSON object (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`--${name} must be a JSON object`);
  return parsed as Record<string, unknown>;
}

/** The id argument of a resource the API names by UUID. */
export function idArgument(ctx: CommandContext, what: string): string {
  const id = ctx.args['id'];
  if (!ResourceId.safeParse(id).success) throw new UsageError(`<id> must be ${what} id (a UUID; got "${id}")`);
  return id;
}

/** The fields that were given, so that a PATCH changes only those. */
export function given<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** An update with nothing to send is a mistake in the command line, not a request. */
export function requireChange(body: Record<string, unknown>, flags: readonly string[]): void {
  if (Object.keys(body).length === 0) throw new UsageError(`nothing to change: give at least one of ${flags.map((flag) => `--${flag}`).join(', ')}`);
}
