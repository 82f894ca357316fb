import {
  type BodyInputOf,
  CHANNEL_TYPES,
  createNotificationChannel,
  deleteNotificationChannel,
  listNotificationChannels,
  listSites,
  type ResponseOf,
  ResourceId,
  SECRET_MASK_PREFIX,
  updateNotificationChannel,
} from '@vigil/contracts';
import type { ApiClient } from '../api-client';
import { CliError, type Command, type CommandContext, stringFlag, UsageError } from '../context';
import type { FlagSpec } from '../program';
import { formatTable, yesNo } from '../table';
import { booleanFlag, given, idArgument, jsonObjectFlag, listFlag, requireChange } from './flags';
import { deleteByIdCommand } from './delete-by-id';

export type ChannelJson = ResponseOf<typeof listNotificationChannels>['data'][number];

const CONFIG_HELP = [
  'Configs by type (JSON):',
  '  webhook    {"url": "https://…", "secret": "16+ characters", "headers": {"X-Team": "ops"}}',
  '  slack      {"webhook_url": "https://hooks.slack.com/…"}',
  '  email      {"to": ["ops@example.com"], "smtp": {"host": "…", "port": 465, "secure": true}}',
  '  pagerduty  {"routing_key": "32 characters"}',
  'Give secrets with --config @FILE: a file keeps them out of the shell history and of ps.',
  'Secrets are never printed back: the API masks them, and this command masks webhook URLs too.',
].join('\n');

const COMMON_FLAGS: Record<string, FlagSpec> = {
  sites: { type: 'string', value: 'SITE,SITE', description: 'The sites it hears about (slugs or ids); "" means every site (the default)' },
  'notify-on-seems-down': { type: 'boolean', negatable: true, description: 'Also notify when an outage is suspected, before the quorum confirms it' },
  'notify-on-degraded': { type: 'boolean', negatable: true, description: 'Notify when a check turns degraded (slow but working) and back (default yes)' },
  'reminder-minutes': { type: 'string', value: 'N|off', description: 'Remind every N minutes (5 to 1440) while down; off: no reminders (the default)' },
  enabled: { type: 'boolean', negatable: true, description: 'Send notifications (--no-enabled: keep the channel but send nothing)' },
};

/**
 * A channel fit to print: the API masks the secrets it knows, but a webhook's URL often carries
 * a token (in its path or query) and is answered whole, so only its origin is shown.
 */
export function redactChannel(channel: ChannelJson): ChannelJson {
  const url = channel.config['url'];
  if (typeof url !== 'string' || !URL.canParse(url)) return channel;
  const { origin, pathname, search } = new URL(url);
  const hidden = pathname === '/' && search === '' ? `${origin}/` : `${origin}/${SECRET_MASK_PREFIX}`;
  return { ...channel, config: { ...channel.config, url: hidden } };
}

function reminder(ctx: CommandContext): number | null | undefined {
  const value = stringFlag(ctx.flags, 'reminder-minutes');
  if (value === undefined) return undefined;
  if (value === 'off') return null;
  if (!/^\d+$/.test(value)) throw new UsageError(`--reminder-minutes must be a whole number of minutes or "off" (got "${value}")`);
  return Number(value);
}

/** Site ids for `--sites`: ids as they are, slugs looked up among the live sites. */
async function siteIds(api: ApiClient, refs: readonly string[] | undefined): Promise<string[] | undefined> {
  if (refs === undefined || refs.every((ref) => ResourceId.safeParse(ref).success)) return refs?.slice();
  const bySlug = new Map((await api.listAll(listSites)).map((site) => [site.slug, site.id]));
  return refs.map((ref) => {
    if (ResourceId.safeParse(ref).success) return ref;
    const id = bySlug.get(ref);
    if (id === undefined) throw new CliError(`--sites: no site has the slug "${ref}"`);
    return id;
  });
}

async function commonFields(ctx: CommandContext) {
  return given({
    site_ids: await siteIds(ctx.api(), listFlag(ctx, 'sites')),
    notify_on_seems_down: booleanFlag(ctx, 'notify-on-seems-down'),
    notify_on_degraded: booleanFlag(ctx, 'notify-on-degraded'),
    reminder_minutes: reminder(ctx),
    enabled: booleanFlag(ctx, 'enabled'),
  });
}

function printChannel(ctx: CommandContext, verb: string, channel: ChannelJson): void {
  const shown = redactChannel(channel);
  if (ctx.json) return ctx.printJson(shown);
  const sites = shown.site_ids.length === 0 ? 'every site' : `${shown.site_ids.length} site${shown.site_ids.length === 1 ? '' : 's'}`;
  ctx.print(`${verb} ${shown.type} channel "${shown.name}" for ${sites}${shown.enabled ? '' : ', disabled'}, id ${shown.id}.`);
}

export const channelsList: Command = {
  name: 'channels list',
  summary: 'List notification channels, newest first (secrets masked)',
  api: true,
  async run(ctx) {
    const channels = (await ctx.api().listAll(listNotificationChannels)).map(redactChannel);
    if (ctx.json) return ctx.printJson(channels);
    ctx.print(
      formatTable(
        ['id', 'name', 'type', 'sites', 'seems down', 'degraded', 'reminder', 'enabled'],
        channels.map((channel) => [
          channel.id,
          channel.name,
          channel.type,
          channel.site_ids.length === 0 ? 'all' : String(channel.site_ids.length),
          yesNo(channel.notify_on_seems_down),
          yesNo(channel.notify_on_degraded),
          channel.reminder_minutes === null ? 'off' : `${channel.reminder_minutes}m`,
          yesNo(channel.enabled),
        ]),
      ),
    );
  },
};

export const channelsCreate: Command = {
  name: 'channels create',
  summary: 'Create a notification channel',
  description: CONFIG_HELP,
  args: [{ name: 'type', description: `One of ${CHANNEL_TYPES.join(', ')}` }],
  flags: {
    name: { type: 'string', value: 'NAME', required: true, description: 'A name for people' },
    config: { type: 'string', value: 'JSON|@FILE', required: true, description: "The type's config (see above)" },
    ...COMMON_FLAGS,
  },
  api: true,
  async run(ctx) {
    const config = jsonObjectFlag(ctx, 'config');
    const body = { type: ctx.args['type'], name: stringFlag(ctx.flags, 'name'), config, ...(await commonFields(ctx)) };
    // The API checks the type and its config; its message is shown as it is.
    printChannel(ctx, 'Created', await ctx.api().request(createNotificationChannel, { body: body as BodyInputOf<typeof createNotificationChannel> }));
  },
};

export const channelsUpdate: Command = {
  name: 'channels update',
  summary: 'Change a notification channel (not its type)',
  description: [
    'Only the fields given change. --config is a JSON merge patch of the stored config: the fields',
    'given replace the stored ones, null removes one, secrets not given are kept.',
    '',
    CONFIG_HELP,
  ].join('\n'),
  args: [{ name: 'id', description: 'The channel id (from vigil channels list)' }],
  flags: {
    name: { type: 'string', value: 'NAME', description: 'A new name' },
    config: { type: 'string', value: 'JSON|@FILE', description: 'Config fields to change (a merge patch)' },
    ...COMMON_FLAGS,
  },
  api: true,
  async run(ctx) {
    const id = idArgument(ctx, 'a channel');
    const body = { ...given({ name: stringFlag(ctx.flags, 'name'), config: jsonObjectFlag(ctx, 'config') }), ...(await commonFields(ctx)) };
    requireChange(body, ['name', 'config', ...Object.keys(COMMON_FLAGS)]);
    printChannel(ctx, 'Changed', await ctx.api().request(updateNotificationChannel, { params: { id }, body }));
  },
};

export const channelsDelete = deleteByIdCommand({
  name: 'channels delete',
  summary: 'Delete a notification channel with its pending and past notifications',
  noun: 'channel',
  listCommand: 'channels list',
  route: deleteNotificationChannel,
});
