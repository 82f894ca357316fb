import { writeFile } from 'node:fs/promises';
import { listChecks, listMaintenanceWindows, listSites } from '@vigil/contracts';
import { configDocument, formatConfigFile } from '../config-file';
import { CliError, type Command, stringFlag } from '../context';

export const exportCommand: Command = {
  name: 'export',
  summary: 'Write every site with its checks and maintenance windows as YAML (configuration as code)',
  description: 'Fields at their default value are left out; `vigil import` reads the file back.\nWith --json the same content is written as JSON, which `vigil import` reads too.',
  flags: { output: { type: 'string', value: 'FILE', description: 'Write to FILE instead of stdout' } },
  api: true,
  async run(ctx) {
    const api = ctx.api();
    const sites = await api.listAll(listSites);
    const checks = await api.listAll(listChecks);
    const windows = await api.listAll(listMaintenanceWindows);
    // JSON is YAML too: `import` reads either.
    const text = ctx.json ? `${JSON.stringify(configDocument(sites, checks, windows), null, 2)}\n` : formatConfigFile(sites, checks, windows);
    const output = stringFlag(ctx.flags, 'output');
    if (output === undefined) return ctx.print(text);
    try {
      await writeFile(output, text);
    } catch (error) {
      throw new CliError(`cannot write ${output}: ${(error as Error).message}`);
    }
    ctx.note(`Wrote ${sites.length} site${sites.length === 1 ? '' : 's'} and ${checks.length} check${checks.length === 1 ? '' : 's'} to ${output}.`);
  },
};
