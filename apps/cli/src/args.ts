import { parseArgs } from 'node:util';

export interface FlagSpec {
  type: 'string' | 'boolean';
  /** What the value is called in the usage text (`--name NAME`). */
  value?: string;
  short?: string;
  description: string;
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
  /** Lines shown under the usage line of its help. */
  description?: string;
  /** Required positional arguments, in order. */
  args?: readonly ArgumentSpec[];
  flags?: Readonly<Record<string, FlagSpec>>;
  /** Whether it talks to the controller's API (and so takes --url and --api-key). */
  api: boolean;
}

export type FlagValues = Record<string, string | boolean | undefined>;

export type ParsedCommandLine<C extends CommandSyntax> =
  | { kind: 'run'; command: C; args: Record<string, string>; flags: FlagValues }
  | { kind: 'help'; text: string }
  | { kind: 'usage-error'; message: string; usage: string };

const HELP_FLAG: FlagSpec = { type: 'boolean', short: 'h', description: 'Show this help' };
const JSON_FLAG: FlagSpec = { type: 'boolean', description: 'Print JSON for machines instead of text' };

export const API_FLAGS: Readonly<Record<string, FlagSpec>> = {
  url: { type: 'string', value: 'URL', description: "The controller's base URL (default: $VIGIL_URL, else http://127.0.0.1:8080)" },
  'api-key': {
    type: 'string',
    value: 'KEY',
    description: 'The API key to send (default: $VIGIL_API_KEY, else $VIGIL_DATA_DIR/admin.key if it exists)',
  },
};

/** The flags a command accepts: its own, then the global ones that apply to it. */
export function flagsOf(command: CommandSyntax): Record<string, FlagSpec> {
  return { ...command.flags, ...(command.api ? API_FLAGS : {}), json: JSON_FLAG, help: HELP_FLAG };
}

function words(command: CommandSyntax): string[] {
  return command.name.split(' ');
}

function startsWith(list: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= list.length && prefix.every((word, index) => list[index] === word);
}

/** Every flag any command knows, so a first pass can tell flag values from positional words. */
function everyFlag(commands: readonly CommandSyntax[]): Record<string, { type: 'string' | 'boolean'; short?: string }> {
  const all: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const command of commands) {
    for (const [name, spec] of Object.entries(flagsOf(command))) all[name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}) };
  }
  return all;
}

function flagProblem(command: CommandSyntax, argv: readonly string[]): { problem?: string; flags: FlagValues; positionals: string[] } {
  const specs = flagsOf(command);
  const options = Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [name, { type: spec.type, ...(spec.short ? { short: spec.short } : {}) }]),
  );
  const { values, positionals, tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const spec = specs[token.name];
    if (spec === undefined) return { problem: `unknown flag ${token.rawName}`, flags: values, positionals };
    if (spec.type === 'boolean' && token.value !== undefined) return { problem: `${token.rawName} takes no value`, flags: values, positionals };
    // `--name --json` would otherwise name the thing "--json"; `--name=-x` still works.
    if (spec.type === 'string' && (token.value === undefined || (!token.inlineValue && token.value.startsWith('-')))) {
      return { problem: `${token.rawName} needs a value`, flags: values, positionals };
    }
  }
  return { flags: values, positionals };
}

/**
 * Reads `argv` (without `node` and the script) against the commands: which one, its
 * arguments and flags, or the help or usage error to print. Global flags may come
 * anywhere; `--help` wins over any other problem, so a half-typed command can ask for help.
 */
export function parseCommandLine<C extends CommandSyntax>(argv: readonly string[], commands: readonly C[]): ParsedCommandLine<C> {
  const first = parseArgs({ args: [...argv], options: everyFlag(commands), strict: false, allowPositionals: true });
  const wantsHelp = first.values['help'] === true;
  let positionals = first.positionals;
  let asked = wantsHelp;
  if (positionals[0] === 'help') {
    positionals = positionals.slice(1);
    asked = true;
  }

  const command = commands
    .filter((candidate) => startsWith(positionals, words(candidate)))
    .sort((a, b) => words(b).length - words(a).length)[0];
  if (command === undefined) {
    const top = topHelp(commands);
    if (positionals.length === 0) return asked ? { kind: 'help', text: top } : { kind: 'usage-error', message: 'missing command', usage: top };
    const group = positionals[0];
    const members = commands.filter((candidate) => words(candidate)[0] === group);
    if (members.length === 0) return { kind: 'usage-error', message: `unknown command "${group}"`, usage: top };
    const usage = groupHelp(group, members);
    if (positionals.length > 1) return { kind: 'usage-error', message: `unknown command "${group} ${positionals[1]}"`, usage };
    return asked ? { kind: 'help', text: usage } : { kind: 'usage-error', message: `missing subcommand of "${group}"`, usage };
  }
  if (asked) return { kind: 'help', text: commandHelp(command) };

  const usage = commandHelp(command);
  const parsed = flagProblem(command, argv);
  if (parsed.problem !== undefined) return { kind: 'usage-error', message: parsed.problem, usage };
  // The first pass found the command's words at the start of the positionals; what follows is its arguments.
  const rest = parsed.positionals.slice(words(command).length);
  const expected = command.args ?? [];
  if (rest.length < expected.length) return { kind: 'usage-error', message: `missing <${expected[rest.length].name}>`, usage };
  if (rest.length > expected.length) return { kind: 'usage-error', message: `unexpected argument "${rest[expected.length]}"`, usage };
  const args = Object.fromEntries(expected.map((arg, index) => [arg.name, rest[index]]));
  return { kind: 'run', command, args, flags: parsed.flags };
}

// ---------------------------------------------------------------------------
// Help text.
// ---------------------------------------------------------------------------

/** Two columns: the left padded to the widest entry. */
export function columns(rows: ReadonlyArray<readonly [string, string]>, indent = '  '): string[] {
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `${indent}${left.padEnd(width)}  ${right}`.trimEnd());
}

function flagLabel(name: string, spec: FlagSpec): string {
  const long = `--${name}${spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : ''}`;
  return spec.short ? `-${spec.short}, ${long}` : long;
}

function usageLine(command: CommandSyntax): string {
  const args = (command.args ?? []).map((arg) => `<${arg.name}>`);
  return ['Usage: vigil', command.name, ...args, '[flags]'].join(' ');
}

export function commandHelp(command: CommandSyntax): string {
  const lines = [usageLine(command), '', command.summary];
  if (command.description) lines.push('', ...command.description.split('\n'));
  if (command.args?.length) lines.push('', 'Arguments:', ...columns(command.args.map((arg) => [`<${arg.name}>`, arg.description])));
  const own = Object.entries(command.flags ?? {});
  if (own.length) lines.push('', 'Flags:', ...columns(own.map(([name, spec]) => [flagLabel(name, spec), spec.description])));
  const globals = Object.entries(flagsOf(command)).filter(([name]) => !(name in (command.flags ?? {})));
  lines.push('', 'Global flags:', ...columns(globals.map(([name, spec]) => [flagLabel(name, spec), spec.description])));
  return `${lines.join('\n')}\n`;
}

function groupHelp(group: string, members: readonly CommandSyntax[]): string {
  const lines = [`Usage: vigil ${group} <command> [flags]`, '', 'Commands:', ...columns(members.map((member) => [member.name, member.summary]))];
  lines.push('', `Run "vigil ${group} <command> --help" for a command's arguments and flags.`);
  return `${lines.join('\n')}\n`;
}

export const ENVIRONMENT_HELP: ReadonlyArray<readonly [string, string]> = [
  ['VIGIL_URL', "The controller's base URL (default http://127.0.0.1:8080)"],
  ['VIGIL_API_KEY', 'The API key to send (vk_…)'],
  ['VIGIL_DATA_DIR', 'Where admin.key and the embedded database are (default ./.data)'],
  ['DATABASE_URL', 'admin-key create only: PostgreSQL (postgres://…); unset: the embedded database'],
  ['VIGIL_MIGRATE', 'admin-key create only: auto (default for embedded) applies pending migrations, off does not'],
];

export function topHelp(commands: readonly CommandSyntax[]): string {
  const lines = [
    'Usage: vigil <command> [flags]',
    '',
    'Operates a Vigil controller: API keys, runners, sites, checks and events.',
    '',
    'Commands:',
    ...columns(commands.map((command) => [command.name, command.summary])),
    '',
    'Global flags:',
    ...columns(Object.entries({ ...API_FLAGS, json: JSON_FLAG, help: HELP_FLAG }).map(([name, spec]) => [flagLabel(name, spec), spec.description])),
    '',
    'Environment:',
    ...columns(ENVIRONMENT_HELP),
    '',
    'Exit codes: 0 success, 1 failure (refused, not found, server or network error), 2 usage error.',
    'Run "vigil <command> --help" for a command\'s arguments and flags.',
  ];
  return `${lines.join('\n')}\n`;
}
