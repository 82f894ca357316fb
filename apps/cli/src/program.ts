import { Command as Program, type CommanderError, Option } from 'commander';

export interface FlagSpec {
  type: 'string' | 'boolean';
  /** What the value is called in the usage text (`--name NAME`). */
  value?: string;
  short?: string;
  description: string;
  /** A boolean that can also be turned off: `--enabled` and `--no-enabled` (absent: neither). */
  negatable?: boolean;
  /** A string flag the command cannot run without. */
  required?: boolean;
}

export interface ArgumentSpec {
  name: string;
  description: string;
}

/** What the parser and the help text need to know about a command. */
export interface CommandSyntax {
  /** The words that name it: `runners create`. */
  name: string;
  summary: string;
  /** Lines shown under the summary in its help. */
  description?: string;
  /** Required positional arguments, in order. */
  args?: readonly ArgumentSpec[];
  flags?: Readonly<Record<string, FlagSpec>>;
  /** Whether it talks to the controller's API (and so takes --url and --api-key). */
  api: boolean;
}

/** Flag values by the flag's name (`api-key`, `dry-run`), as typed. */
export type FlagValues = Record<string, string | boolean | undefined>;

export type ParsedCommandLine<C extends CommandSyntax> =
  /** `usage` is the command's help, for a problem the command itself finds in its input. */
  | { kind: 'run'; command: C; args: Record<string, string>; flags: FlagValues; usage: string }
  | { kind: 'help'; text: string }
  | { kind: 'usage-error'; message: string; usage: string };

const HELP_FLAG: FlagSpec = { type: 'boolean', short: 'h', description: 'Show this help' };
const JSON_FLAG: FlagSpec = { type: 'boolean', description: 'Print JSON for machines instead of text (nothing else on stdout)' };

export const API_FLAGS: Readonly<Record<string, FlagSpec>> = {
  url: { type: 'string', value: 'URL', description: "The controller's base URL (default: $VIGIL_URL, else http://127.0.0.1:8080)" },
  'api-key': {
    type: 'string',
    value: 'KEY',
    description: 'The API key to send (default: $VIGIL_API_KEY, else $VIGIL_DATA_DIR/admin.key if it exists)',
  },
};

/** The global flags that apply to a command (besides --help). */
function globalFlagsOf(command: CommandSyntax): Record<string, FlagSpec> {
  return { ...(command.api ? API_FLAGS : {}), json: JSON_FLAG };
}

/** The flags a command accepts besides --help: its own, then the global ones that apply to it. */
export function flagsOf(command: CommandSyntax): Record<string, FlagSpec> {
  return { ...command.flags, ...globalFlagsOf(command) };
}

export const ENVIRONMENT_HELP: ReadonlyArray<readonly [string, string]> = [
  ['VIGIL_URL', "The controller's base URL (default http://127.0.0.1:8080)"],
  ['VIGIL_API_KEY', 'The API key to send (vk_…)'],
  ['VIGIL_DATA_DIR', 'Where admin.key and the embedded database are (default ./.data)'],
  ['DATABASE_URL', 'admin-key create, secret-key rotate: PostgreSQL (postgres://…); unset: the embedded database'],
  ['VIGIL_RETENTION_RESULTS_DAYS', 'retention: days of results kept (default 30; and the other VIGIL_RETENTION_* settings)'],
  ['VIGIL_MIGRATE', 'admin-key create only: auto (default for embedded) applies pending migrations, off does not'],
];

/** Two columns: the left padded to the widest entry. */
export function columns(rows: ReadonlyArray<readonly [string, string]>, indent = '  '): string[] {
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `${indent}${left.padEnd(width)}  ${right}`.trimEnd());
}

// ---------------------------------------------------------------------------
// The commander tree.
// ---------------------------------------------------------------------------

/** The command each leaf of the tree stands for; groups (`runners`) have none. */
const syntaxOf = new WeakMap<Program, CommandSyntax>();
/** What follows a command's generated help. */
const epilogueOf = new WeakMap<Program, string>();

function optionsFor(name: string, spec: FlagSpec): Option[] {
  const short = spec.short ? `-${spec.short}, ` : '';
  if (spec.type === 'string') {
    const option = new Option(`${short}--${name} <${spec.value ?? 'VALUE'}>`, spec.description);
    return [spec.required ? option.makeOptionMandatory() : option];
  }
  const on = new Option(`${short}--${name}`, spec.description);
  return spec.negatable ? [on, new Option(`--no-${name}`, `The opposite of --${name}`)] : [on];
}

function addFlags(command: Program, group: string, flags: Readonly<Record<string, FlagSpec>>): void {
  command.optionsGroup(group);
  for (const [name, spec] of Object.entries(flags)) for (const option of optionsFor(name, spec)) command.addOption(option);
}

/** `vigil runners create` → `runners create`. */
export function pathOf(command: Program): string {
  const names: string[] = [];
  for (let at: Program | null = command; at?.parent; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}

function leavesOf(command: Program): Program[] {
  return command.commands.flatMap((sub) => (sub.commands.length === 0 ? [sub] : leavesOf(sub)));
}

function configure(command: Program): Program {
  return command
    .optionsGroup('Global flags:')
    .helpOption(`-${HELP_FLAG.short}, --help`, HELP_FLAG.description)
    .helpCommand(false)
    .configureHelp({
      // People read the flat list of commands, as `vigil runners create <slug>`.
      visibleCommands: leavesOf,
      subcommandTerm: (sub) => [pathOf(sub), ...sub.registeredArguments.map((arg) => `<${arg.name()}>`)].join(' '),
      // No wrapping: lines are written to be read as they are.
      helpWidth: 10_000,
    })
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined, outputError: () => undefined })
    .exitOverride((error) => {
      throw new ParseFailure(error, command);
    });
}

class ParseFailure extends Error {
  constructor(
    readonly error: CommanderError,
    readonly command: Program,
  ) {
    super(error.message);
  }
}

/**
 * The commander tree of `commands`: one subcommand per word (`runners` → `create`), global
 * flags on the top (before the command) and on each command (after it).
 */
export function buildProgram(commands: readonly CommandSyntax[], groupSummaries: Readonly<Record<string, string>> = {}): Program {
  const program = configure(new Program('vigil'))
    .usage('<command> [flags]')
    .description('Operates a Vigil controller: API keys, runners, sites, checks, channels, maintenance and events.')
    // Global flags before the command belong to the program, after it to the command.
    .enablePositionalOptions();
  addFlags(program, 'Global flags:', { ...API_FLAGS, json: JSON_FLAG });
  program.helpOption(`-${HELP_FLAG.short}, --help`, HELP_FLAG.description);
  epilogueOf.set(
    program,
    [
      '',
      'Environment:',
      ...columns(ENVIRONMENT_HELP),
      '',
      'Exit codes: 0 success, 1 failure (refused, not found, server or network error), 2 usage error.',
      'Run "vigil <command> --help" for a command\'s arguments and flags.',
    ].join('\n'),
  );

  for (const syntax of commands) {
    const words = syntax.name.split(' ');
    let parent = program;
    for (const word of words.slice(0, -1)) {
      const existing = parent.commands.find((sub) => sub.name() === word);
      if (existing !== undefined) {
        parent = existing;
        continue;
      }
      const path = [pathOf(parent), word].filter(Boolean).join(' ');
      parent = configure(parent.command(word))
        .usage('<command> [flags]')
        .description(groupSummaries[path] ?? `Commands on ${word}`);
      epilogueOf.set(parent, `\nRun "vigil ${path} <command> --help" for a command's arguments and flags.`);
    }
    const leaf = configure(parent.command(words[words.length - 1]))
      .summary(syntax.summary)
      .description(syntax.description ? `${syntax.summary}\n\n${syntax.description}` : syntax.summary)
      .usage([...(syntax.args ?? []).map((arg) => `<${arg.name}>`), '[flags]'].join(' '));
    for (const arg of syntax.args ?? []) leaf.argument(`<${arg.name}>`, arg.description);
    if (syntax.flags && Object.keys(syntax.flags).length > 0) addFlags(leaf, 'Flags:', syntax.flags);
    addFlags(leaf, 'Global flags:', globalFlagsOf(syntax));
    // Created again so that it joins the group just set.
    leaf.helpOption(`-${HELP_FLAG.short}, --help`, HELP_FLAG.description);
    syntaxOf.set(leaf, syntax);
    leaf.action(() => undefined);
  }
  return program;
}

// ---------------------------------------------------------------------------
// Reading a command line.
// ---------------------------------------------------------------------------

function isHelp(token: string): boolean {
  return token === '-h' || token === '--help';
}

function optionOf(command: Program, token: string): Option | undefined {
  const flag = token.split('=')[0];
  return command.options.find((candidate) => candidate.long === flag || candidate.short === flag);
}

interface Walk {
  /** The deepest command the words name. */
  command: Program;
  /** The first word after it that names no subcommand (for a group: the unknown command). */
  stray?: string;
  help: boolean;
  /** A flag given without its value, or a value given to a flag that takes none. */
  problem?: string;
}

/**
 * Follows the words of `argv` down the tree, skipping flags and their values. What commander
 * does not do itself: help anywhere (`-h runners create`, `help runners create`, even when the
 * command is incomplete), a flag whose value is missing or looks like a flag (`--name --json`).
 */
function walk(program: Program, argv: readonly string[]): Walk {
  let tokens = [...argv];
  let help = false;
  if (tokens[0] === 'help') {
    tokens = tokens.slice(1);
    help = true;
  }
  let command = program;
  let stray: string | undefined;
  let problem: string | undefined;
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index];
    if (token === '--') break;
    if (isHelp(token)) help = true;
    else if (token.startsWith('-')) {
      const option = optionOf(command, token);
      if (option?.required && !token.includes('=')) {
        const value = tokens[index + 1];
        // `--name=-odd-` is how to pass a value that starts with a dash.
        if (value === undefined || value.startsWith('-')) problem ??= `${token} needs a value`;
        else index += 1;
      } else if (option !== undefined && !option.required && token.includes('=')) problem ??= `${option.long} takes no value`;
    } else if (stray === undefined) {
      const sub = command.commands.find((candidate) => candidate.name() === token);
      if (sub !== undefined) command = sub;
      else stray = token;
    }
  }
  return { command, stray, help, problem };
}

/** The help of a command, as `--help` prints it and as usage errors show it. */
function usageOf(command: Program): string {
  const epilogue = epilogueOf.get(command);
  return epilogue === undefined ? command.helpInformation() : `${command.helpInformation()}${epilogue}\n`;
}

function flagValues(command: Program, specs: Readonly<Record<string, FlagSpec>>): FlagValues {
  const values = command.opts<Record<string, string | boolean | undefined>>();
  const out: FlagValues = {};
  for (const name of Object.keys(specs)) {
    const option = command.options.find((candidate) => candidate.long === `--${name}`);
    const value = option === undefined ? undefined : values[option.attributeName()];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** Commander's messages in the CLI's words: "flag" as in its help, `<file>` as in its usage. */
function messageOf(failure: ParseFailure): string {
  const message = failure.error.message.replace(/^error: /, '');
  switch (failure.error.code) {
    case 'commander.missingArgument':
      return message.replace(/^missing required argument '(.+)'$/, 'missing <$1>');
    case 'commander.missingMandatoryOptionValue':
      return message.replace(/^required option '(--[a-z-]+).*' not specified$/, 'missing $1');
    case 'commander.unknownOption':
      return message.replace(/^unknown option '(.+?)'/, 'unknown flag $1');
    default:
      return message;
  }
}

/**
 * Reads `argv` (without `node` and the script) against the commands: which
 * command, its arguments and flags, or the help or usage error to print. Global flags may come
 * before the command or after it; `--help` wins over any other problem.
 */
export function parseCommandLine<C extends CommandSyntax>(
  argv: readonly string[],
  commands: readonly C[],
  groupSummaries: Readonly<Record<string, string>> = {},
): ParsedCommandLine<C> {
  // A new tree each time: commander keeps the values of one parse in its commands.
  const program = buildProgram(commands, groupSummaries);
  const { command, stray, help, problem } = walk(program, argv);
  const path = pathOf(command);
  if (help) return { kind: 'help', text: usageOf(command) };
  if (command.commands.length > 0) {
    if (stray !== undefined) return { kind: 'usage-error', message: `unknown command "${[path, stray].filter(Boolean).join(' ')}"`, usage: usageOf(command) };
    return { kind: 'usage-error', message: path === '' ? 'missing command' : `missing subcommand of "${path}"`, usage: usageOf(command) };
  }
  if (problem !== undefined) return { kind: 'usage-error', message: problem, usage: usageOf(command) };

  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof ParseFailure)) throw error;
    return { kind: 'usage-error', message: messageOf(error), usage: usageOf(error.command) };
  }
  const syntax = syntaxOf.get(command) as C;
  const globals = flagValues(program, { ...API_FLAGS, json: JSON_FLAG });
  if (!syntax.api) {
    const misplaced = Object.keys(API_FLAGS).find((name) => globals[name] !== undefined);
    if (misplaced !== undefined) return { kind: 'usage-error', message: `unknown flag --${misplaced}`, usage: usageOf(command) };
  }
  const args = Object.fromEntries((syntax.args ?? []).map((arg, index) => [arg.name, String(command.processedArgs[index])]));
  return { kind: 'run', command: syntax, args, flags: { ...globals, ...flagValues(command, flagsOf(syntax)) }, usage: usageOf(command) };
}
