import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '@vigil/config';
import { ApiClient } from './api-client';
import type { CommandSyntax, FlagValues } from './program';
import { readApiConfig } from './config';

export interface Output {
  write(text: string): unknown;
}

/** Everything a command touches outside itself; tests pass their own. */
export interface CliIo {
  stdout: Output;
  stderr: Output;
  env: Env;
  /** For tests; Node's fetch otherwise. */
  fetch?: typeof fetch;
  /** Per request (default 10 s). */
  timeoutMs?: number;
}

/** A failure to report as `vigil: <message>`. Exit code 1, or 2 when the input was at fault. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

/** A flag or argument with a bad value: reported with the command's usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface CommandContext {
  args: Record<string, string>;
  flags: FlagValues;
  io: CliIo;
  json: boolean;
  /** The API client for --url and --api-key (or their environment variables). */
  api(): ApiClient;
  /** To stdout. */
  print(text: string): void;
  printJson(value: unknown): void;
  /** To stderr: what people read but scripts should not capture. */
  note(text: string): void;
}

export interface Command extends CommandSyntax {
  run(ctx: CommandContext): Promise<void>;
}

export function stringFlag(flags: FlagValues, name: string): string | undefined {
  const value = flags[name];
  return typeof value === 'string' ? value : undefined;
}

function checkUrl(value: string): string {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new UsageError(`--url must be an http:// or https:// URL (got "${value}")`);
  }
  return value.replace(/\/+$/, '');
}

/** --api-key, else VIGIL_API_KEY, else the key the controller wrote at its first start, if it is here. */
function apiKeyFrom(flags: FlagValues, configured: string | undefined, dataDir: string): string | undefined {
  const flag = stringFlag(flags, 'api-key');
  if (flag !== undefined) return flag;
  if (configured !== undefined) return configured;
  const file = join(dataDir, 'admin.key');
  if (!existsSync(file)) return undefined;
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

export function createContext(io: CliIo, args: Record<string, string>, flags: FlagValues): CommandContext {
  let client: ApiClient | undefined;
  return {
    args,
    flags,
    io,
    json: flags['json'] === true,
    api() {
      if (client !== undefined) return client;
      const urlFlag = stringFlag(flags, 'url');
      // A flag wins over its variable, so a bad VIGIL_URL must not stop a command given --url.
      const config = readApiConfig(urlFlag === undefined ? io.env : { ...io.env, VIGIL_URL: undefined });
      client = new ApiClient({
        baseUrl: urlFlag === undefined ? config.VIGIL_URL : checkUrl(urlFlag),
        apiKey: apiKeyFrom(flags, config.VIGIL_API_KEY, config.VIGIL_DATA_DIR),
        fetch: io.fetch,
        timeoutMs: io.timeoutMs,
      });
      return client;
    },
    print: (text) => io.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    printJson: (value) => io.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    note: (text) => io.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  };
}
