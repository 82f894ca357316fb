-- AlterEnum
ALTER TYPE "event_type" ADD VALUE 'degraded';

ALTER TYPE "notification_kind" ADD VALUE 'degraded_opened';
ALTER TYPE "notification_kind" ADD VALUE 'degraded_recovered';

-- AlterTable
ALTER TABLE "check_results" ADD COLUMN     "degraded" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "checks" ADD COLUMN     "degraded_latency_ms" INTEGER;

-- AlterTable
ALTER TABLE "notification_channels" ADD COLUMN     "notify_on_degraded" BOOLEAN NOT NULL DEFAULT true;

-- vigil:hand-written
-- Degraded qualifies a success: a failed or inconclusive result is never also degraded.
ALTER TABLE "check_results" ADD CONSTRAINT "check_results_degraded_ok"
    CHECK (NOT ("degraded" AND NOT "ok"));
-- `degraded` becomes an event type (the outage family's least severe state); the vocabularies of
-- event types and severities share no value (libs/lifecycle/src/types.ts), so the severity between
-- `warning` and `high` (a certificate within 7 days of expiry) is renamed.
ALTER TYPE "event_severity" RENAME VALUE 'degraded' TO 'elevated';
