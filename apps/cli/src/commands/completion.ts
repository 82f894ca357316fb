import type { Command as Program } from 'commander';
import { completionScript, type Shell, SHELLS } from '../completion';
import { type Command, UsageError } from '../context';

/** `vigil completion`, given how to build the command tree it completes (the tree lists it too). */
export function completionCommand(program: () => Program): Command {
  return {
    name: 'completion',
    summary: 'Print a shell completion script for bash, zsh or fish',
    description: [
      'Install it once:',
      '  bash  vigil completion bash > ~/.local/share/bash-completion/completions/vigil',
      '  zsh   echo \'source <(vigil completion zsh)\' >> ~/.zshrc',
      '  fish  vigil completion fish > ~/.config/fish/completions/vigil.fish',
    ].join('\n'),
    args: [{ name: 'shell', description: SHELLS.join(', ') }],
    api: false,
    async run(ctx) {
      const shell = ctx.args['shell'];
      if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError(`<shell> must be one of ${SHELLS.join(', ')} (got "${shell}")`);
      const script = completionScript(shell as Shell, program());
      if (ctx.json) return ctx.printJson({ shell, script });
      ctx.print(script);
    },
  };
}
