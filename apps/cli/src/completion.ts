import type { Command as Program } from 'commander';
import { pathOf } from './program';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** What completion needs to know of one command of the tree (the program is the path ""). */
interface Node {
  path: string;
  summary: string;
  subcommands: Array<{ name: string; summary: string }>;
  flags: Array<{ long: string; short?: string; takesValue: boolean; description: string }>;
  /** Whether it takes positional arguments (completed as file names). */
  args: boolean;
}

function nodesOf(command: Program): Node[] {
  const node: Node = {
    path: pathOf(command),
    summary: command.summary() || command.description(),
    subcommands: command.commands.map((sub) => ({ name: sub.name(), summary: sub.summary() || sub.description() })),
    flags: [...command.options, { long: '--help', short: '-h', required: false, description: 'Show this help' }].flatMap((option) =>
      option.long === undefined ? [] : [{ long: option.long, short: option.short, takesValue: option.required === true, description: option.description }],
    ),
    args: command.registeredArguments.length > 0,
  };
  return [node, ...command.commands.flatMap(nodesOf)];
}

const INSTALL: Record<Shell, string> = {
  bash: 'Install: vigil completion bash > ~/.local/share/bash-completion/completions/vigil (or: source <(vigil completion bash) in ~/.bashrc)',
  zsh: 'Install: add to ~/.zshrc: source <(vigil completion zsh)',
  fish: 'Install: vigil completion fish > ~/.config/fish/completions/vigil.fish',
};

/** `it's` → `'it'\''s'`: one word for sh, whatever it holds. */
function shQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function bashScript(nodes: readonly Node[]): string {
  const cases = (pick: (node: Node) => string[]) =>
    nodes.map((node) => `    ${shQuote(node.path)}) echo ${shQuote(pick(node).join(' '))} ;;`).join('\n');
  return `_vigil_subcommands() {
  case "$1" in
${cases((node) => node.subcommands.map((sub) => sub.name))}
  esac
}
_vigil_flags() {
  case "$1" in
${cases((node) => node.flags.flatMap((flag) => [flag.long, ...(flag.short ? [flag.short] : [])]))}
  esac
}
_vigil_value_flags() {
  case "$1" in
${cases((node) => node.flags.filter((flag) => flag.takesValue).map((flag) => flag.long))}
  esac
}
_vigil_has() {
  [[ " $1 " == *" $2 "* ]]
}
_vigil_completion() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" word i skip=0
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    if ((skip)); then skip=0; continue; fi
    if [[ "$word" == -* ]]; then
      _vigil_has "$(_vigil_value_flags "$path")" "$word" && skip=1
      continue
    fi
    _vigil_has "$(_vigil_subcommands "$path")" "$word" && path="\${path:+$path }$word"
  done
  # A flag's value: the shell's own completion (file names).
  if ((skip)); then COMPREPLY=(); return; fi
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(_vigil_flags "$path")" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(_vigil_subcommands "$path")" -- "$cur"))
  fi
}
complete -o default -F _vigil_completion vigil
`;
}

/** `it's` → `'it\'s'` for fish. */
function fishQuote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function fishScript(nodes: readonly Node[]): string {
  const lines = [
    'function __vigil_subcommands',
    '    switch "$argv[1]"',
    ...nodes.flatMap((node) => [`        case ${fishQuote(node.path)}`, `            echo ${fishQuote(node.subcommands.map((sub) => sub.name).join(' '))}`]),
    '    end',
    'end',
    '',
    '# Whether the words typed so far name the command $argv[1] ("" for none yet).',
    'function __vigil_path',
    "    set -l path ''",
    '    for word in (commandline -opc)[2..-1]',
    '        if contains -- $word (string split " " -- (__vigil_subcommands "$path"))',
    '            set path (string trim -- "$path $word")',
    '        end',
    '    end',
    '    test "$path" = "$argv[1]"',
    'end',
    '',
    'complete -c vigil -f',
  ];
  for (const node of nodes) {
    const when = `-n ${fishQuote(`__vigil_path ${fishQuote(node.path)}`)}`;
    for (const sub of node.subcommands) lines.push(`complete -c vigil ${when} -a ${fishQuote(sub.name)} -d ${fishQuote(sub.summary)}`);
    for (const flag of node.flags) {
      const short = flag.short ? ` -s ${flag.short.replace(/^-/, '')}` : '';
      lines.push(`complete -c vigil ${when}${short} -l ${flag.long.replace(/^--/, '')}${flag.takesValue ? ' -r -F' : ''} -d ${fishQuote(flag.description)}`);
    }
    if (node.args) lines.push(`complete -c vigil ${when} -F`);
  }
  return `${lines.join('\n')}\n`;
}

/** A completion script for `shell`, made from the command tree, so it knows every command and flag. */
export function completionScript(shell: Shell, program: Program): string {
  const nodes = nodesOf(program);
  const header = `# vigil completion for ${shell}, made by "vigil completion ${shell}".\n# ${INSTALL[shell]}\n`;
  if (shell === 'fish') return `${header}${fishScript(nodes)}`;
  // zsh runs the bash script through its bash compatibility layer.
  if (shell === 'zsh') return `${header}(( $+functions[compdef] )) || { autoload -U +X compinit && compinit; }\nautoload -U +X bashcompinit && bashcompinit\n${bashScript(nodes)}`;
  return `${header}${bashScript(nodes)}`;
}
