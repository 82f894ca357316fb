import { type Database, Prisma } from '@vigil/db';

/**
 * Writes a `reminder` outbox row for each channel with `reminder_minutes` that was told of a
 * confirmed outage still open, once that many minutes passed since the channel's last
 * notification about it. The key counts the reminders (`<event uuid>:reminder:<n>:<channel>`),
 * so two notifiers scheduling at once write one row. Returns how many were written.
 */
export async function scheduleReminders(db: Pick<Database, 'prisma'>, now: Date): Promise<number> {
  return db.prisma.$executeRaw(Prisma.sql`
    WITH due AS (
      SELECT e.id AS event_id, e.site_id, e.uuid, c.id AS channel_id, s.reminders
      FROM site_events e
      JOIN notification_channels c
        ON c.enabled AND c.reminder_minutes IS NOT NULL AND (cardinality(c.site_ids) = 0 OR e.site_id = ANY (c.site_ids))
      CROSS JOIN LATERAL (
        SELECT max(n.created_at) AS last, count(*) FILTER (WHERE n.kind = 'reminder') AS reminders
        FROM notifications n WHERE n.event_id = e.id AND n.channel_id = c.id
      ) s
      WHERE e.event_type = 'down' AND e.ended_at IS NULL
        AND s.last IS NOT NULL AND s.last <= ${now}::timestamptz - make_interval(mins => c.reminder_minutes)
    )
    INSERT INTO notifications (site_id, event_id, channel_id, kind, idempotency_key, next_attempt_at, created_at)
    SELECT site_id, event_id, channel_id, 'reminder', uuid || ':reminder:' || (reminders + 1) || ':' || channel_id, ${now}, ${now}
    FROM due
    ON CONFLICT (idempotency_key) DO NOTHING`);
}
