import { ConfigError } from '@vigil/config';
import { DatabaseError } from '@vigil/db';
import { ApiError, NetworkError } from './api-client';
import { adminKeyCreate } from './commands/admin-key';
import { auditList } from './commands/audit';
import { exportCommand } from './commands/export';
import { importCommand } from './commands/import';
import { channelsCreate, channelsDelete, channelsList, channelsUpdate } from './commands/channels';
import { checksCreate, checksDelete, checksPingUrl, checksShow, checksUpdate } from './commands/checks';
import { completionCommand } from './commands/completion';
import { checksList, eventsList, sitesList } from './commands/lists';
import { maintenanceCreate, maintenanceDelete, maintenanceList, maintenanceUpdate } from './commands/maintenance';
import { sitesCreate, sitesDelete, sitesRestore, sitesSlo, sitesUpdate } from './commands/sites';
import { reportCheck, reportSite } from './commands/report';
import { runnersCreate, runnersList, runnersRevoke, runnersRotateKey } from './commands/runners';
import { retentionCommand } from './commands/retention';
import { secretKeyGenerate, secretKeyRotate } from './commands/secret-key';
import { CliError, type CliIo, type Command, createContext, UsageError } from './context';
import { buildProgram, parseCommandLine } from './program';

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
  sitesCreate,
  sitesUpdate,
  sitesDelete,
  sitesRestore,
  sitesSlo,
  checksList,
  checksShow,
  checksCreate,
  checksUpdate,
  checksDelete,
  checksPingUrl,
  channelsList,
  channelsCreate,
  channelsUpdate,
  channelsDelete,
  maintenanceList,
  maintenanceCreate,
  maintenanceUpdate,
  maintenanceDelete,
  eventsList,
  auditList,
  reportSite,
  reportCheck,
  exportCommand,
  importCommand,
  secretKeyGenerate,
  secretKeyRotate,
  retentionCommand,
  completionCommand(() => buildProgram(COMMANDS, GROUP_SUMMARIES)),
];

/** What `vigil <group> --help` says of each group of commands. */
export const GROUP_SUMMARIES: Readonly<Record<string, string>> = {
  'admin-key': 'Recover access: create an admin API key in the database directly',
  runners: 'Create, list, revoke runners and rotate their keys',
  sites: 'List, create, change, archive and restore sites',
  checks: 'List, show, create, change and delete checks',
  channels: 'List, create, change and delete notification channels',
  maintenance: 'List, schedule, change and delete maintenance windows',
  events: 'List events',
  audit: 'Read the audit log',
  report: 'Availability reports of a site or a check (uptime, incidents, MTTR, MTBF, latency)',
  'secret-key': 'Make and rotate the data key that seals stored secrets',
};

/** Runs one command line; returns the process's exit code. Output goes only to `io`. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine(argv, COMMANDS, GROUP_SUMMARIES);
  if (parsed.kind === 'help') {
    io.stdout.write(parsed.text);
    return EXIT_OK;
  }
  if (parsed.kind === 'usage-error') {
    io.stderr.write(`vigil: ${parsed.message}\n\n${parsed.usage}`);
    return EXIT_USAGE;
  }
  const { command, usage } = parsed;
  try {
    await command.run(createContext(io, parsed.args, parsed.flags));
    return EXIT_OK;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`vigil: ${error.message}\n\n${usage}`);
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
