import type { Database, Notification, NotificationChannel } from '@vigil/db';
import { targetWithoutUserinfo } from '@vigil/secrets';
import { buildAlertMessage, type MessageOptions } from './message';
import type { AlertMessage } from './types';

/** A claimed notification with its channel and the message to send. */
export interface Delivery {
  readonly notification: Pick<Notification, 'id' | 'uuid' | 'attemptCount'>;
  readonly channel: Pick<NotificationChannel, 'uuid' | 'type' | 'config' | 'enabled'>;
  readonly message: AlertMessage;
  /** The site the event is about: its "last alert" is set when this is delivered. */
  readonly siteId: number;
}

/** Loads what the messages of claimed notifications need, in one query; rows deleted since the claim are left out. */
export async function loadDeliveries(db: Database, ids: readonly bigint[], options: MessageOptions): Promise<Delivery[]> {
  const rows = await db.prisma.notification.findMany({
    where: { id: { in: [...ids] } },
    include: {
      channel: true,
      transition: true,
      event: { include: { site: true, endpoint: true, check: true } },
    },
    orderBy: { id: 'asc' },
  });
  return rows.map((row) => {
    const { event, transition, channel } = row;
    // A URL target's userinfo is a credential: alerts name the target without it.
    const target = event.endpoint ? targetWithoutUserinfo(event.endpoint.target) : undefined;
    return {
      notification: row,
      channel,
      siteId: event.siteId,
      message: buildAlertMessage(
        {
          notification: row,
          event,
          transition,
          check: event.check && target !== undefined ? { ...event.check, target } : null,
          site: event.site,
        },
        options,
      ),
    };
  });
}
