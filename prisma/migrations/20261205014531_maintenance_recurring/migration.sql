-- AlterTable
ALTER TABLE "maintenance_windows" ADD COLUMN     "duration_s" INTEGER,
ADD COLUMN     "rrule" TEXT,
ADD COLUMN     "timezone" TEXT;

-- vigil:hand-written
-- A window is one-off (all three null) or recurring (all three set, a positive duration);
-- libs/maintenance validates the rule itself and computes ends_at as the series' end.
ALTER TABLE "maintenance_windows" ADD CONSTRAINT "maintenance_windows_recurrence_whole"
    CHECK (("rrule" IS NULL) = ("timezone" IS NULL) AND ("rrule" IS NULL) = ("duration_s" IS NULL)
        AND ("duration_s" IS NULL OR "duration_s" > 0));
