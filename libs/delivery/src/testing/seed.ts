// Test support: the rows a notification needs, written directly (no evaluator involved).
import type { ChannelType } from '@vigil/contracts';
import type { NotificationKind, Prisma, SiteEvent, VigilPrisma } from '@vigil/db';
import { createSiteWithCheck } from '@vigil/db/testing';

export interface SeededOutage {
  readonly site: { id: number; uuid: string; name: string };
  readonly check: { id: number; uuid: string };
  readonly event: SiteEvent;
}

/** A site with an HTTP check and an open, confirmed outage seen from eu-1 and us-1. */
export async function seedOutage(prisma: VigilPrisma, startedAt = new Date('2026-11-23T10:00:00.000Z')): Promise<SeededOutage> {
  const { site, endpoint, check } = await createSiteWithCheck(prisma);
  const event = await prisma.siteEvent.create({
    data: {
      siteId: site.id,
      endpointId: endpoint.id,
      checkId: check.id,
      checkType: 'http',
      eventType: 'down',
      severity: 'high',
      startedAt,
      metadata: { location: 'us-1', status_code: 503, error_code: null, error: null, failing_locations: ['eu-1', 'us-1'] },
    },
  });
  return { site, check, event };
}

export async function seedChannel(
  prisma: VigilPrisma,
  type: ChannelType,
  config: Prisma.InputJsonObject,
  options: { enabled?: boolean } = {},
) {
  return prisma.notificationChannel.create({ data: { name: `${type} channel`, type, config, enabled: options.enabled ?? true } });
}

/** An audit row for the outage and an outbox row for the channel, keyed as the evaluator keys them. */
export async function seedNotification(
  prisma: VigilPrisma,
  outage: SeededOutage,
  channelId: number,
  kind: NotificationKind = 'outage_confirmed',
  nextAttemptAt = outage.event.startedAt,
) {
  const transition = await prisma.eventTransition.create({
    data: {
      eventId: outage.event.id,
      siteId: outage.site.id,
      stateBefore: 'seems_down',
      stateAfter: 'down',
      severityBefore: 'high',
      severityAfter: 'high',
      reason: kind === 'outage_recovered' ? 'recovered' : 'confirmed',
      source: 'location:us-1',
      metadata: { location: 'us-1' },
      at: nextAttemptAt,
    },
  });
  return prisma.notification.create({
    data: {
      siteId: outage.site.id,
      eventId: outage.event.id,
      transitionId: transition.id,
      channelId,
      kind,
      idempotencyKey: `${outage.event.uuid}:${transition.id}:${channelId}`,
      nextAttemptAt,
    },
  });
}
