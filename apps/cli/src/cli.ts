import { ConfigError } from '@vigil/config';
import { DatabaseError } from '@vigil/db';
import { ApiError, NetworkError } from './api-client';
import { commandHelp, parseCommandLine } from './args';
import { adminKeyCreate } from './commands/admin-key';
import { auditList } from './commands/audit';
import { exportCommand } from './commands/export';
import { importCommand } from './commands/import';
import { checksList, eventsList, sitesList } from './commands/lists';
import { runnersCreate, runnersList, runnersRevoke, runnersRotateKey } from './commands/runners';
import { secretKeyGenerate, secretKeyRotate } from './commands/secret-key';
import { CliError, type CliIo, type Command, createContext, UsageError } from './context';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export const COMMANDS: readonly Command[] = [
  adminKeyCreate,
  runnersCreate,
  runnersList,
  runnersRevoke,
  runnersRotateKey,
  sitesList,
  checksList,
  eventsList,
  auditList,
  exportCommand,
  importCommand,
  secretKeyGenerate,
  secretKeyRotate,
];

/** Runs one command line; returns the process's exit code. Output goes only to `io`. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine(argv, COMMANDS);
  if (parsed.kind === 'help') {
    io.stdout.write(parsed.text);
    return EXIT_OK;
  }
  if (parsed.kind === 'usage-error') {
    io.stderr.write(`vigil: ${parsed.message}\n\n${parsed.usage}`);
    return EXIT_USAGE;
  }
  const { command } = parsed;
  try {
    await command.run(createContext(io, parsed.args, parsed.flags));
    return EXIT_OK;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`vigil: ${error.message}\n\n${commandHelp(command)}`);
      return EXIT_USAGE;
    }
    const { message, code } = describeFailure(error);
    io.stderr.write(`vigil: ${message}\n`);
    return code;
  }
}

function describeFailure(error: unknown): { message: string; code: number } {
  if (error instanceof CliError) return { message: error.message, code: error.exitCode };
  // A bad variable is the invocation's fault, like a bad flag.
  if (error instanceof ConfigError) return { message: error.message, code: EXIT_USAGE };
  if (error instanceof ApiError || error instanceof NetworkError || error instanceof DatabaseError) {
    return { message: error.message, code: EXIT_FAILURE };
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { message: `unexpected error: ${detail}`, code: EXIT_FAILURE };
}
