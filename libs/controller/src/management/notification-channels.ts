import {
  CHANNEL_CONFIG_SCHEMAS,
  type ChannelType,
  createNotificationChannel,
  deleteNotificationChannel,
  type FieldProblem,
  fieldProblems,
  getNotificationChannel,
  listNotificationChannels,
  type ResponseOf,
  updateNotificationChannel,
} from '@vigil/contracts';
import type { Database, NotificationChannel, Prisma } from '@vigil/db';
import { HttpError } from '@vigil/http';
import { channelSealer } from '@vigil/secrets';
import type { z } from 'zod';
import type { AreaContext } from '../http/area';
import { decodeCursor, pageOf } from '../http/cursor';
import { validationFailed } from '../http/validation';
import { maskChannelConfig, mergePatch, restoreMaskedSecrets, secretsKeptForNewDestination } from './channel-secrets';
import { resolveChannelSites, siteUuidsById } from './channel-sites';
import { channelEgressProblems } from './egress-targets';

type ChannelJson = ResponseOf<typeof getNotificationChannel>;

function channelJson(channel: NotificationChannel, siteUuids: ReadonlyMap<number, string>): ChannelJson {
  return {
    id: channel.uuid,
    name: channel.name,
    type: channel.type,
    config: maskChannelConfig(channel.type, channel.config),
    site_ids: channel.siteIds.flatMap((id) => siteUuids.get(id) ?? []),
    notify_on_seems_down: channel.notifyOnSeemsDown,
    notify_on_degraded: channel.notifyOnDegraded,
    reminder_minutes: channel.reminderMinutes,
    enabled: channel.enabled,
    created_at: channel.createdAt.toISOString(),
    updated_at: channel.updatedAt.toISOString(),
  };
}

async function channelsJson(db: Pick<Database, 'prisma'>, channels: readonly NotificationChannel[]): Promise<ChannelJson[]> {
  const siteUuids = await siteUuidsById(db, channels.flatMap((channel) => channel.siteIds));
  return channels.map((channel) => channelJson(channel, siteUuids));
}


/** A patched config, checked as a whole against its type's schema; problems name `config.<field>`. */
function patchedConfig(type: ChannelType, stored: unknown, patch: Record<string, unknown>): { config?: unknown; problems: FieldProblem[] } {
  const restored = restoreMaskedSecrets(type, mergePatch(stored, patch) as Record<string, unknown>, stored);
  if (restored.problems.length > 0) return { problems: restored.problems };
  const parsed = (CHANNEL_CONFIG_SCHEMAS[type] as z.ZodType).safeParse(restored.config);
  if (parsed.success) {
    const moved = secretsKeptForNewDestination(type, stored, parsed.data, patch);
    return moved.length > 0 ? { problems: moved } : { config: parsed.data, problems: [] };
  }
  return {
    problems: fieldProblems(parsed.error).map((problem) => ({
      field: problem.field === '' ? 'config' : `config.${problem.field}`,
      message: problem.message,
    })),
  };
}

async function findChannel(db: Pick<Database, 'prisma'>, uuid: string): Promise<NotificationChannel> {
  const channel = await db.prisma.notificationChannel.findUnique({ where: { uuid } });
  if (channel === null) throw HttpError.notFound(`No notification channel has the id ${uuid}`);
  return channel;
}

export function mountNotificationChannels(ctx: AreaContext): void {
  const { db, secretKeys } = ctx.deps;
  // Secrets are stored sealed: opened only to mask them for an answer or to merge a PATCH.
  const seal = (type: ChannelType, config: unknown) => channelSealer(secretKeys, type).seal(config) as Prisma.InputJsonObject;
  const opened = (channel: NotificationChannel): NotificationChannel => ({
    ...channel,
    config: channelSealer(secretKeys, channel.type).open(channel.config) as Prisma.JsonObject,
  });
  const answer = async (channels: readonly NotificationChannel[]) => channelsJson(db, channels.map(opened));

  ctx.route(createNotificationChannel, async ({ body }) => {
    // A mask sent on creation (a channel's JSON copied into a new one) would become the secret itself.
    const secrets = restoreMaskedSecrets(body.type, body.config, undefined);
    const sites = await resolveChannelSites(db, body.site_ids);
    const problems = [...secrets.problems, ...sites.problems, ...channelEgressProblems(ctx.deps.egress, body.type, body.config)];
    if (problems.length > 0) throw validationFailed(problems);
    const channel = await db.prisma.notificationChannel.create({
      data: {
        name: body.name,
        type: body.type,
        config: seal(body.type, body.config),
        siteIds: sites.ids,
        notifyOnSeemsDown: body.notify_on_seems_down,
        notifyOnDegraded: body.notify_on_degraded,
        reminderMinutes: body.reminder_minutes,
        enabled: body.enabled,
      },
    });
    const [json] = await answer([channel]);
    return json;
  });

  ctx.route(listNotificationChannels, async ({ query }) => {
    const after = decodeCursor(query.cursor, { id: 'integer' });
    const rows = await db.prisma.notificationChannel.findMany({
      where: after === undefined ? {} : { id: { lt: after.id } },
      orderBy: { id: 'desc' },
      take: query.limit + 1,
    });
    const { page, next_cursor } = pageOf(rows, query.limit, (last) => ({ id: last.id }));
    return {
      data: await answer(page),
      next_cursor,
    };
  });

  ctx.route(getNotificationChannel, async ({ params }) => {
    const [json] = await answer([await findChannel(db, params.id)]);
    return json;
  });

  ctx.route(updateNotificationChannel, async ({ params, body }) => {
    const channel = opened(await findChannel(db, params.id));
    const config = body.config === undefined ? { problems: [] } : patchedConfig(channel.type, channel.config, body.config);
    const sites = body.site_ids === undefined ? undefined : await resolveChannelSites(db, body.site_ids);
    const problems = [
      ...config.problems,
      ...(sites?.problems ?? []),
      ...(config.config === undefined ? [] : channelEgressProblems(ctx.deps.egress, channel.type, config.config)),
    ];
    if (problems.length > 0) throw validationFailed(problems);
    const updated = await db.prisma.notificationChannel.update({
      where: { id: channel.id },
      data: {
        name: body.name,
        config: config.config === undefined ? undefined : seal(channel.type, config.config),
        siteIds: sites?.ids,
        notifyOnSeemsDown: body.notify_on_seems_down,
        notifyOnDegraded: body.notify_on_degraded,
        reminderMinutes: body.reminder_minutes,
        enabled: body.enabled,
      },
    });
    const [json] = await answer([updated]);
    return json;
  });

  ctx.route(deleteNotificationChannel, async ({ params }) => {
    // Its notifications (pending and delivered) and their attempts go with it, by the foreign keys' cascade.
    const { count } = await db.prisma.notificationChannel.deleteMany({ where: { uuid: params.id } });
    if (count === 0) throw HttpError.notFound(`No notification channel has the id ${params.id}`);
  });
}
