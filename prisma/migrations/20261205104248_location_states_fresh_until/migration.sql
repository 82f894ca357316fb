-- AlterTable
ALTER TABLE "location_states" ADD COLUMN     "fresh_until" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "location_states_fresh_until_idx" ON "location_states"("fresh_until");

-- vigil:hand-written
-- Backfill: freshForMs of libs/quorum (2 intervals + timeout + a 10 s grace) after the latest
-- conclusive result; the evaluator writes it from now on with every result it counts.
UPDATE "location_states" ls
SET "fresh_until" = ls."last_result_at" + (2000 * c."interval_s" + c."timeout_ms" + 10000) * interval '1 millisecond'
FROM "checks" c
WHERE c."id" = ls."check_id" AND ls."last_result_at" IS NOT NULL AND NOT ls."last_inconclusive";
