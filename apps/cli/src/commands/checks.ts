import { type BodyInputOf, CHECK_TYPES, CONTROLLER_LOCATION, createCheck, deleteCheck, getCheck, getCheckPingUrl, rotatePingToken, updateCheck } from '@vigil/contracts';
import { type Command, type CommandContext, stringFlag } from '../context';
import type { FlagSpec } from '../program';
import { booleanFlag, given, idArgument, integerFlag, jsonObjectFlag, listFlag, requireChange } from './flags';
import { deleteByIdCommand } from './delete-by-id';
import { formatTime, yesNo } from '../table';
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
  'export-metrics': {
    type: 'boolean',
    negatable: true,
    description: "Export its Prometheus series (up, unknown, latency per location) on the controller's /metrics (--no-export-metrics: stop)",
  },
  period: { type: 'string', value: 'S', description: 'heartbeat: seconds expected between pings (spec.period_s; default 86400)' },
  grace: { type: 'string', value: 'S', description: 'heartbeat: seconds a ping may be late, or a started job may run (spec.grace_s; default 3600)' },
  schedule: { type: 'string', value: 'CRON', description: 'heartbeat: when the job runs, e.g. "0 3 * * *" (spec.schedule; instead of --period)' },
  timezone: { type: 'string', value: 'ZONE', description: 'heartbeat: the IANA time zone of --schedule (spec.timezone; default UTC)' },
};

function quorum(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** `--degraded-latency-ms`: a number of milliseconds, or "off" (null) to remove the rule. */
function degradedLatency(ctx: CommandContext): number | null | undefined {
  return stringFlag(ctx.flags, 'degraded-latency-ms') === 'off' ? null : integerFlag(ctx, 'degraded-latency-ms');
}

/** --period, --grace, --schedule and --timezone, as heartbeat spec fields (folded into --spec, which they override). */
function heartbeatSpec(ctx: CommandContext): Record<string, number | string> | undefined {
  const spec = given({
    period_s: integerFlag(ctx, 'period'),
    grace_s: integerFlag(ctx, 'grace'),
    schedule: stringFlag(ctx.flags, 'schedule'),
    timezone: stringFlag(ctx.flags, 'timezone'),
  });
  return Object.keys(spec).length === 0 ? undefined : (spec as Record<string, number | string>);
}

/** The settings given on the command line, as API fields. */
function settings(ctx: CommandContext) {
  const spec = jsonObjectFlag(ctx, 'spec');
  const heartbeat = heartbeatSpec(ctx);
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
    spec: heartbeat === undefined ? spec : { ...spec, ...heartbeat },
    enabled: booleanFlag(ctx, 'enabled'),
    export_metrics: booleanFlag(ctx, 'export-metrics'),
  });
}

/** A heartbeat check's ping URL, printed after it is created. */
function printPingUrl(ctx: CommandContext, url: { ping_url: string }): void {
  if (!ctx.json) ctx.print(`Ping URL (keep it secret): ${url.ping_url}\nAfter the job: curl -fsS -m 10 --retry 5 ${url.ping_url}`);
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
    `Types: ${CHECK_TYPES.join(', ')}. Targets: http an http(s):// URL, tcp host:port, dns a name, tls_cert a URL or host[:port], icmp a host (name or address), heartbeat a label for the job (it pings; --period and --grace set when it is late).`,
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
    if (check.type === 'heartbeat') printPingUrl(ctx, await api.request(getCheckPingUrl, { params: { id: check.id } }));
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
    const api = ctx.api();
    // --period or --grace alone keep the rest of the spec (a spec sent replaces the whole of it).
    if (heartbeatSpec(ctx) !== undefined && jsonObjectFlag(ctx, 'spec') === undefined) {
      body.spec = { ...(await api.request(getCheck, { params: { id } })).spec, ...body.spec };
    }
    printCheck(ctx, 'Changed', await api.request(updateCheck, { params: { id }, body }));
  },
};

/** `checks show`'s lines: one setting a line, as `name: value`. */
export function checkDetails(check: CheckJson): string {
  const rows: Array<[string, string]> = [
    ['id', check.id],
    ['name', check.name ?? '-'],
    ['type', check.type],
    ['target', check.target],
    ['site', check.site_id],
    ['status', check.status],
    ['enabled', yesNo(check.enabled)],
    ['interval', `${check.interval_s}s`],
    ['down interval', check.down_interval_s === null ? '-' : `${check.down_interval_s}s`],
    ['timeout', `${check.timeout_ms}ms`],
    ['degraded latency', check.degraded_latency_ms === null ? '-' : `${check.degraded_latency_ms}ms`],
    ['locations', describeLocations(check.locations)],
    ['runs at', check.effective_locations.length === 0 ? '-' : check.effective_locations.join(',')],
    ['failing threshold', String(check.failing_threshold)],
    ['passing threshold', String(check.passing_threshold)],
    ['failing locations', String(check.failing_locations_threshold)],
    ['export metrics', yesNo(check.export_metrics)],
    ['last checked', formatTime(check.last_checked_at, 'never')],
    ['spec', JSON.stringify(check.spec)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${`${label}:`.padEnd(width + 2)}${value}`).join('\n');
}

export const checksShow: Command = {
  name: 'checks show',
  summary: 'Show a check: its settings, where it runs, its status',
  args: [{ name: 'id', description: 'The check id (from vigil checks list)' }],
  api: true,
  async run(ctx) {
    const check = await ctx.api().request(getCheck, { params: { id: idArgument(ctx, 'a check') } });
    if (ctx.json) return ctx.printJson(check);
    ctx.print(checkDetails(check));
  },
};

export const checksDelete = deleteByIdCommand({
  name: 'checks delete',
  summary: 'Delete a check: it stops running; its events and results stay with the site',
  noun: 'check',
  listCommand: 'checks list',
  route: deleteCheck,
});

export const checksPingUrl: Command = {
  name: 'checks ping-url',
  summary: "A heartbeat check's ping URL (--rotate: a new one; the old one stops working)",
  description: 'The URL is a capability: whoever has it can report the job as up or down. Only write keys may read it.',
  args: [{ name: 'id', description: 'The heartbeat check id' }],
  flags: { rotate: { type: 'boolean', description: 'Give the check a new token first (recorded in the audit log)' } },
  api: true,
  async run(ctx) {
    const id = idArgument(ctx, 'a check');
    const api = ctx.api();
    const url = booleanFlag(ctx, 'rotate') === true ? await api.request(rotatePingToken, { params: { id } }) : await api.request(getCheckPingUrl, { params: { id } });
    if (ctx.json) return ctx.printJson(url);
    printPingUrl(ctx, url);
  },
};
