ALTER TYPE "event_type" ADD VALUE 'slo_burn';
ALTER TYPE "notification_kind" ADD VALUE 'slo_burn';
ALTER TYPE "notification_kind" ADD VALUE 'slo_burn_ended';

-- AlterTable
ALTER TABLE "checks" ADD COLUMN     "export_metrics" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "sites" ADD COLUMN     "slo_target_pct" DOUBLE PRECISION,
ADD COLUMN     "slo_window_days" INTEGER NOT NULL DEFAULT 30;

-- vigil:hand-written
ALTER TABLE "sites" ADD CONSTRAINT "sites_slo_target_pct_range" CHECK ("slo_target_pct" IS NULL OR ("slo_target_pct" > 0 AND "slo_target_pct" < 100));
ALTER TABLE "sites" ADD CONSTRAINT "sites_slo_window_days_range" CHECK ("slo_window_days" BETWEEN 1 AND 365);
