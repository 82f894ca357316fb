-- AlterEnum
ALTER TYPE "transition_reason" ADD VALUE 'worsened';
ALTER TYPE "transition_reason" ADD VALUE 'eased';

-- AlterTable
ALTER TABLE "location_states" ADD COLUMN     "degraded_strikes" INTEGER NOT NULL DEFAULT 0;

-- vigil:hand-written
-- Invariant 5 for the outage family: degraded, seems_down and down are one kind (an event changed
-- in place), so they share a key. The 'degraded' value was added by an earlier migration, which
-- committed it: an enum value cannot be used in the transaction that adds it.
DROP INDEX "site_events_one_open_per_check_kind";
CREATE UNIQUE INDEX "site_events_one_open_per_check_kind" ON "site_events" (
    "check_id",
    (CASE WHEN "event_type" IN ('down'::"event_type", 'degraded'::"event_type") THEN 'seems_down'::"event_type" ELSE "event_type" END)
) WHERE "ended_at" IS NULL AND "check_id" IS NOT NULL;
