import {
  createMaintenanceWindow,
  deleteMaintenanceWindow,
  getMaintenanceWindow,
  getSite,
  listMaintenanceWindows,
  listSites,
  MAX_MAINTENANCE_WINDOW_DAYS,
  ResourceId,
  type ResponseOf,
  updateMaintenanceWindow,
} from '@vigil/contracts';
import { type Command, type CommandContext, stringFlag, UsageError } from '../context';
import { formatTable, formatTime, yesNo } from '../table';
import { given, idArgument, requireChange } from './flags';
import { deleteByIdCommand } from './delete-by-id';
import { siteId } from './sites';

export type MaintenanceJson = ResponseOf<typeof listMaintenanceWindows>['data'][number];

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
const RELATIVE = /^\+(\d+)([mhd])$/;

/**
 * `now`, an ISO 8601 time with its zone, or (for the end) `+90m`, `+2h`, `+1d` after the start:
 * what an operator types when the maintenance starts now.
 */
export function windowTime(flag: string, value: string, now: Date, start?: Date): Date {
  if (value === 'now') return now;
  const relative = RELATIVE.exec(value);
  if (relative !== null) {
    if (start === undefined) throw new UsageError(`--${flag} cannot be relative; give a time or "now"`);
    return new Date(start.getTime() + Number(relative[1]) * UNIT_MS[relative[2]]);
  }
  // The API wants a zone: a time without one would mean different things on different machines.
  const date = new Date(value);
  if (!/(Z|[+-]\d\d:?\d\d)$/i.test(value) || Number.isNaN(date.getTime())) {
    throw new UsageError(`--${flag} must be "now", a time with its zone such as 2026-12-24T22:00:00Z${start ? ', or +N[m|h|d] after --starts-at' : ''} (got "${value}")`);
  }
  return date;
}

const DURATION = /^(\d+)([smhd])?$/;
const UNIT_S: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `--duration`: `90m`, `2h`, `1d`, or seconds; its range is the API's to check. */
export function durationFlag(ctx: CommandContext): number | undefined {
  const value = stringFlag(ctx.flags, 'duration');
  if (value === undefined) return undefined;
  const match = DURATION.exec(value);
  if (match === null) throw new UsageError(`--duration must be N[s|m|h|d], such as 90m or 2h (got "${value}")`);
  return Number(match[1]) * UNIT_S[match[2] ?? 's'];
}

/** How a window's timing reads: its end, or its rule, zone and occurrence length. */
function timing(window: MaintenanceJson): string {
  if (window.rrule === null) return `from ${formatTime(window.starts_at)} to ${formatTime(window.ends_at)}`;
  const next = window.next_occurrences[0];
  return `${window.rrule} (${window.timezone}, ${window.duration_s} s each) from ${formatTime(window.starts_at)}${next === undefined ? ', no occurrence left' : `, next ${formatTime(next.starts_at)}`}`;
}

/** `--check ID`, or (for an update) `all`: the whole site. */
function checkFlag(ctx: CommandContext, allowAll: boolean): string | null | undefined {
  const value = stringFlag(ctx.flags, 'check');
  if (value === undefined || ResourceId.safeParse(value).success) return value;
  if (allowAll && value === 'all') return null;
  throw new UsageError(`--check must be a check id (a UUID${allowAll ? ', or "all" for the whole site' : ''}; got "${value}")`);
}

function printWindow(ctx: CommandContext, verb: string, window: MaintenanceJson, site: string): void {
  if (ctx.json) return ctx.printJson(window);
  const what = window.check_id === null ? `site ${site}` : `check ${window.check_id} of site ${site}`;
  ctx.print(`${verb} maintenance of ${what} ${timing(window)}, id ${window.id}.`);
}

export const maintenanceList: Command = {
  name: 'maintenance list',
  summary: 'List maintenance windows, latest start first',
  flags: {
    site: { type: 'string', value: 'SITE', description: "Only this site's (its slug or id)" },
    active: { type: 'boolean', description: 'Only the windows in effect now' },
  },
  api: true,
  async run(ctx) {
    const api = ctx.api();
    const site = stringFlag(ctx.flags, 'site');
    const windows = await api.listAll(listMaintenanceWindows, {
      ...(site === undefined ? {} : { site_id: await siteId(api, site) }),
      ...(ctx.flags['active'] === true ? { active: 'true' as const } : {}),
    });
    if (ctx.json) return ctx.printJson(windows);
    const slugs = new Map((await api.listAll(listSites)).map((row) => [row.id, row.slug]));
    ctx.print(
      formatTable(
        ['id', 'site', 'check', 'starts', 'ends', 'repeats', 'active', 'reason'],
        windows.map((window) => [
          window.id,
          slugs.get(window.site_id) ?? window.site_id,
          window.check_id ?? 'all',
          formatTime(window.starts_at),
          formatTime(window.ends_at),
          window.rrule === null ? '-' : `${window.rrule} ${window.timezone} ${window.duration_s}s`,
          yesNo(window.active),
          window.reason ?? '-',
        ]),
      ),
    );
  },
};

export const maintenanceCreate: Command = {
  name: 'maintenance create',
  summary: 'Schedule maintenance of a site or one of its checks',
  description: [
    'While it is in effect, what it covers opens no event and sends no notification.',
    `At most ${MAX_MAINTENANCE_WINDOW_DAYS} days long. Times: "now", or ISO 8601 with a zone (2026-12-24T22:00:00Z);`,
    '--ends-at may also be +N[m|h|d] after the start:',
    '  vigil maintenance create --site shop --starts-at now --ends-at +2h --reason "database upgrade"',
    'Recurring: an RFC 5545 rule (open-ended, or ending with COUNT or UNTIL), its time zone and each occurrence\'s length;',
    '--starts-at is the first occurrence, read as local time in --timezone, and there is no --ends-at:',
    '  vigil maintenance create --site shop --starts-at 2026-12-06T02:00:00+01:00 --timezone Europe/Paris \\',
    '    --rrule "FREQ=WEEKLY;BYDAY=SU;COUNT=12" --duration 2h',
  ].join('\n'),
  flags: {
    site: { type: 'string', value: 'SITE', required: true, description: 'The site (its slug or id)' },
    check: { type: 'string', value: 'ID', description: 'Only this check of the site (default: the whole site)' },
    'starts-at': { type: 'string', value: 'TIME', required: true, description: 'When it starts (recurring: the first occurrence)' },
    'ends-at': { type: 'string', value: 'TIME', description: 'When it ends (one-off windows)' },
    rrule: { type: 'string', value: 'RULE', description: 'Repeat by this RFC 5545 RRULE (without COUNT or UNTIL it goes on)' },
    timezone: { type: 'string', value: 'ZONE', description: 'IANA time zone the rule is read in (with --rrule)' },
    duration: { type: 'string', value: 'LENGTH', description: 'Length of each occurrence: N[s|m|h|d] (with --rrule)' },
    reason: { type: 'string', value: 'TEXT', description: 'Why, for people' },
  },
  api: true,
  async run(ctx) {
    const now = new Date();
    const start = windowTime('starts-at', stringFlag(ctx.flags, 'starts-at') ?? '', now);
    const rrule = stringFlag(ctx.flags, 'rrule');
    const endsAt = stringFlag(ctx.flags, 'ends-at');
    if (rrule === undefined && endsAt === undefined) throw new UsageError('give --ends-at, or --rrule with --timezone and --duration for a recurring window');
    if (rrule !== undefined && endsAt !== undefined) throw new UsageError('--ends-at is not for a recurring window: it ends with its last occurrence');
    const checkId = checkFlag(ctx, false) ?? undefined;
    const api = ctx.api();
    const site = stringFlag(ctx.flags, 'site') ?? '';
    const body = {
      site_id: await siteId(api, site),
      starts_at: start.toISOString(),
      ...given({
        ends_at: endsAt === undefined ? undefined : windowTime('ends-at', endsAt, now, start).toISOString(),
        rrule,
        timezone: stringFlag(ctx.flags, 'timezone'),
        duration_s: durationFlag(ctx),
        check_id: checkId,
        reason: stringFlag(ctx.flags, 'reason'),
      }),
    };
    printWindow(ctx, 'Scheduled', await api.request(createMaintenanceWindow, { body }), site);
  },
};

export const maintenanceUpdate: Command = {
  name: 'maintenance update',
  summary: "Change a maintenance window's times, scope or reason",
  description: [
    `Only the flags given change; the window as changed must still end after it starts and last at most ${MAX_MAINTENANCE_WINDOW_DAYS} days.`,
    'Times as for create; a relative --ends-at counts from the new --starts-at, else from the stored start.',
    '--check all widens the window to the whole site; --reason "" removes the reason:',
    '  vigil maintenance update 7f1c…-… --ends-at +3h --reason "database upgrade, second pass"',
    'A recurring window takes --rrule, --timezone and --duration instead of --ends-at; --rrule none makes it',
    'one-off again (with --ends-at).',
  ].join('\n'),
  args: [{ name: 'id', description: 'The window id (from vigil maintenance list)' }],
  flags: {
    site: { type: 'string', value: 'SITE', description: 'Move it to this site (its slug or id); with --check if it covered a check' },
    check: { type: 'string', value: 'ID', description: 'Only this check of the site; "all": the whole site' },
    'starts-at': { type: 'string', value: 'TIME', description: 'When it starts' },
    'ends-at': { type: 'string', value: 'TIME', description: 'When it ends (one-off windows)' },
    rrule: { type: 'string', value: 'RULE', description: 'Repeat by this RFC 5545 RRULE; "none": one-off' },
    timezone: { type: 'string', value: 'ZONE', description: 'IANA time zone the rule is read in' },
    duration: { type: 'string', value: 'LENGTH', description: 'Length of each occurrence: N[s|m|h|d]' },
    reason: { type: 'string', value: 'TEXT', description: 'Why, for people ("" removes it)' },
  },
  api: true,
  async run(ctx) {
    const id = idArgument(ctx, 'a maintenance window');
    const now = new Date();
    const startsAt = stringFlag(ctx.flags, 'starts-at');
    const endsAt = stringFlag(ctx.flags, 'ends-at');
    const start = startsAt === undefined ? undefined : windowTime('starts-at', startsAt, now);
    // A relative end without --starts-at counts from the window's own start, which only the API knows.
    const fromStoredStart = endsAt !== undefined && start === undefined && RELATIVE.test(endsAt);
    const end = endsAt === undefined || fromStoredStart ? undefined : windowTime('ends-at', endsAt, now, start);
    const checkId = checkFlag(ctx, true);
    const site = stringFlag(ctx.flags, 'site');
    const reason = stringFlag(ctx.flags, 'reason');
    const rrule = stringFlag(ctx.flags, 'rrule');
    const timezone = stringFlag(ctx.flags, 'timezone');
    const durationS = durationFlag(ctx);
    requireChange(given({ site, checkId, startsAt, endsAt, reason, rrule, timezone, durationS }), [
      'site',
      'check',
      'starts-at',
      'ends-at',
      'reason',
      'rrule',
      'timezone',
      'duration',
    ]);
    const api = ctx.api();
    const storedStart = fromStoredStart ? new Date((await api.request(getMaintenanceWindow, { params: { id } })).starts_at) : undefined;
    const body = given({
      site_id: site === undefined ? undefined : await siteId(api, site),
      check_id: checkId,
      starts_at: start?.toISOString(),
      ends_at: (storedStart === undefined ? end : windowTime('ends-at', endsAt ?? '', now, storedStart))?.toISOString(),
      reason: reason === undefined ? undefined : reason === '' ? null : reason,
      rrule: rrule === 'none' ? null : rrule,
      timezone,
      duration_s: durationS,
    });
    const window = await api.request(updateMaintenanceWindow, { params: { id }, body });
    if (ctx.json) return ctx.printJson(window);
    printWindow(ctx, 'Changed', window, site ?? (await api.request(getSite, { params: { id: window.site_id } })).slug);
  },
};

export const maintenanceDelete = deleteByIdCommand({
  name: 'maintenance delete',
  summary: 'Delete a maintenance window (ends it, if it is in effect)',
  noun: 'maintenance window',
  listCommand: 'maintenance list',
  route: deleteMaintenanceWindow,
});
