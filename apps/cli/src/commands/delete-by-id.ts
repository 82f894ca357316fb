import type { RouteContract } from '@vigil/contracts';
import type { RequestInput } from '../api-client';
import type { Command } from '../context';
import { idArgument } from './flags';

/** `vigil <things> delete <id>`: one DELETE by UUID, then `Deleted <noun> <id>.` or `{ id, deleted: true }`. */
export function deleteByIdCommand(spec: { name: string; summary: string; noun: string; listCommand: string; route: RouteContract }): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    args: [{ name: 'id', description: `The ${spec.noun} id (from vigil ${spec.listCommand})` }],
    api: true,
    async run(ctx) {
      const id = idArgument(ctx, `a ${spec.noun}`);
      await ctx.api().request(spec.route, { params: { id } } as RequestInput<RouteContract>);
      if (ctx.json) return ctx.printJson({ id, deleted: true });
      ctx.print(`Deleted ${spec.noun} ${id}.`);
    },
  };
}
