-- AlterTable
ALTER TABLE "maintenance_windows" ALTER COLUMN "ends_at" DROP NOT NULL;

-- vigil:hand-written
-- Only an open-ended recurring series (an RRULE without COUNT or UNTIL) has no end; overlap
-- queries read `ends_at IS NULL OR ends_at > t` and libs/maintenance expands around t.
ALTER TABLE "maintenance_windows" ADD CONSTRAINT "maintenance_windows_one_off_ends"
    CHECK ("ends_at" IS NOT NULL OR "rrule" IS NOT NULL);
