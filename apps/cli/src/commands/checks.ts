import { type BodyInputOf, CHECK_TYPES, CONTROLLER_LOCATION, createCheck, deleteCheck, updateCheck } from '@vigil/contracts';
import { type Command, type CommandContext, stringFlag } from '../context';
import type { FlagSpec } from '../program';
import { booleanFlag, given, idArgument, integerFlag, jsonObjectFlag, listFlag, requireChange } from './flags';
import { deleteByIdCommand } from './delete-by-id';
import { type CheckJson, describeLocations } from './lists';
import { siteId } from './sites';

/** The check's settings, as flags named after the API's fields; all optional, with the API's defaults. */
const SETTING_FLAGS: Record<string, FlagSpec> = {
  name: { type: 'string', value: 'NAME', description: 'A name for people' },
  'interval-s': { type: 'string', value: 'N', description: 'Seconds between runs at each location (default 60)' },
  'down-interval-s': { type: 'string', value: 'N', description: 'A shorter interval while an event is open' },
  'timeout-ms': { type: 'string', value: 'N', description: 'How long a run may take (default 10000)' },
  'degraded-latency-ms': { type: 'string', value: 'N|off', description: 'A successful run slower than this is degraded; "off" removes the rule' },
  locations: {
    type: 'string',
    value: 'L,L',
    description: `Runner slugs and/or ${CONTROLLER_LOCATION}, comma-separated; "" means every active runner (the default)`,
  },
  'failing-threshold': { type: 'string', value: 'N', description: 'Failed runs in a row after which a location is failing (default 2)' },
  'passing-threshold': { type: 'string', value: 'N', description: 'Passed runs in a row after which it passes again (default 1)' },
  'failing-locations-threshold': { type: 'string', value: 'N|P%', description: 'Failing locations that make the check down: a count or a percent (default 66%)' },
  spec: { type: 'string', value: 'JSON|@FILE', description: 'The type\'s settings as JSON, e.g. \'{"method":"HEAD"}\' (replaces the whole spec)' },
  enabled: { type: 'boolean', negatable: true, description: 'Run the check (--no-enabled: keep it but do not run it)' },
};

function quorum(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** `--degraded-latency-ms`: a number of milliseconds, or "off" (null) to remove the rule. */
function degradedLatency(ctx: CommandContext): number | null | undefined {
  return stringFlag(ctx.flags, 'degraded-latency-ms') === 'off' ? null : integerFlag(ctx, 'degraded-latency-ms');
}

/** The settings given on the command line, as API fields. */
function settings(ctx: CommandContext) {
  return given({
    name: stringFlag(ctx.flags, 'name'),
    interval_s: integerFlag(ctx, 'interval-s'),
    down_interval_s: integerFlag(ctx, 'down-interval-s'),
    timeout_ms: integerFlag(ctx, 'timeout-ms'),
    degraded_latency_ms: degradedLatency(ctx),
    locations: listFlag(ctx, 'locations'),
    failing_threshold: integerFlag(ctx, 'failing-threshold'),
    passing_threshold: integerFlag(ctx, 'passing-threshold'),
    failing_locations_threshold: quorum(stringFlag(ctx.flags, 'failing-locations-threshold')),
    spec: jsonObjectFlag(ctx, 'spec'),
    enabled: booleanFlag(ctx, 'enabled'),
  });
}

function printCheck(ctx: CommandContext, verb: string, check: CheckJson): void {
  if (ctx.json) return ctx.printJson(check);
  const state = check.enabled ? '' : ', disabled';
  ctx.print(`${verb} check ${check.id}: ${check.type} ${check.target} every ${check.interval_s}s at ${describeLocations(check.locations)}${state}.`);
}

export const checksCreate: Command = {
  name: 'checks create',
  summary: 'Create a check on a site',
  description: [
    'It is due at once at each of its locations. Settings left out take the API\'s defaults.',
    `Types: ${CHECK_TYPES.join(', ')}. Targets: http an http(s):// URL, tcp host:port, dns a name, tls_cert a URL or host[:port], icmp a host (name or address).`,
  ].join('\n'),
  args: [
    { name: 'type', description: `One of ${CHECK_TYPES.join(', ')}` },
    { name: 'target', description: 'What to check (see above)' },
  ],
  flags: { site: { type: 'string', value: 'SLUG', required: true, description: 'The site it belongs to (its slug or id)' }, ...SETTING_FLAGS },
  api: true,
  async run(ctx) {
    const api = ctx.api();
    const body = { ...settings(ctx), type: ctx.args['type'], target: ctx.args['target'] };
    const site = await siteId(api, stringFlag(ctx.flags, 'site') ?? '');
    // The API validates the type and everything that depends on it; its message is shown as it is.
    const check = await api.request(createCheck, { body: { ...body, site_id: site } as BodyInputOf<typeof createCheck> });
    printCheck(ctx, 'Created', check);
  },
};

export const checksUpdate: Command = {
  name: 'checks update',
  summary: 'Change a check (any setting but its site and type)',
  description: 'Only the settings given change. A new target moves the check to the site\'s endpoint for it.',
  args: [{ name: 'id', description: 'The check id (from vigil checks list)' }],
  flags: { target: { type: 'string', value: 'TARGET', description: 'A new target, for the check\'s type' }, ...SETTING_FLAGS },
  api: true,
  async run(ctx) {
    const id = idArgument(ctx, 'a check');
    const body = { ...given({ target: stringFlag(ctx.flags, 'target') }), ...settings(ctx) };
    requireChange(body, ['target', ...Object.keys(SETTING_FLAGS)]);
    printCheck(ctx, 'Changed', await ctx.api().request(updateCheck, { params: { id }, body }));
  },
};

export const checksDelete = deleteByIdCommand({
  name: 'checks delete',
  summary: 'Delete a check: it stops running; its events and results stay with the site',
  noun: 'check',
  listCommand: 'checks list',
  route: deleteCheck,
});
