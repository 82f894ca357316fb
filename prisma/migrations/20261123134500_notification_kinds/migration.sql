-- The outbox speaks the lifecycle's vocabulary (libs/lifecycle NotificationKind) plus `reminder`.
-- Hand-written: Prisma's diff would drop and recreate the type, losing existing rows' kinds.
-- PostgreSQL cannot drop an enum value, so the type is swapped and every old value is
-- mapped explicitly: `opened` was the first suspicion, `closed` a close other than recovery.
ALTER TYPE "notification_kind" RENAME TO "notification_kind_old";

CREATE TYPE "notification_kind" AS ENUM (
    'outage_suspected',
    'outage_confirmed',
    'outage_recovered',
    'outage_resolved',
    'cert_expiring_soon',
    'cert_renewed',
    'reminder'
);

ALTER TABLE "notifications" ALTER COLUMN "kind" TYPE "notification_kind" USING (
    CASE "kind"::text
        WHEN 'seems_down' THEN 'outage_suspected'
        WHEN 'opened' THEN 'outage_suspected'
        WHEN 'down' THEN 'outage_confirmed'
        WHEN 'recovered' THEN 'outage_recovered'
        WHEN 'closed' THEN 'outage_resolved'
        ELSE "kind"::text
    END
)::"notification_kind";

DROP TYPE "notification_kind_old";
