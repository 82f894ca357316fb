-- CreateEnum
CREATE TYPE "runner_connectivity" AS ENUM ('ok', 'impaired');

-- AlterEnum
ALTER TYPE "event_type" ADD VALUE 'unknown';

-- AlterTable
ALTER TABLE "check_results" ADD COLUMN     "inconclusive" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "location_states" ADD COLUMN     "last_inconclusive" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "runners" ADD COLUMN     "connectivity" "runner_connectivity",
ADD COLUMN     "connectivity_changed_at" TIMESTAMPTZ(3);

-- vigil:hand-written
-- An inconclusive result is never a pass: it only withholds a failure's strike.
ALTER TABLE "check_results" ADD CONSTRAINT "check_results_inconclusive_not_ok"
    CHECK (NOT ("inconclusive" AND "ok"));
