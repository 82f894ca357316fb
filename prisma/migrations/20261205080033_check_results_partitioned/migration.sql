-- DropIndex
DROP INDEX "check_results_check_id_run_id_key";

-- AlterTable
ALTER TABLE "check_results" DROP CONSTRAINT "check_results_pkey",
ADD CONSTRAINT "check_results_pkey" PRIMARY KEY ("id", "checked_at");

-- CreateIndex
CREATE UNIQUE INDEX "check_results_check_id_run_id_checked_at_key" ON "check_results"("check_id", "run_id", "checked_at");

-- vigil:hand-written
-- Retention (ADR 0013). On PostgreSQL check_results becomes a table partitioned by range of
-- checked_at, one partition per UTC day (check_results_pYYYYMMDD) and a DEFAULT partition for a
-- result no daily partition holds, so that no result is ever refused: retention drops whole
-- days instead of deleting rows. The rows there are moved; the sequence, the check constraints,
-- every index and the foreign key keep their names. The embedded database (PGlite, one process,
-- small) keeps one table, trimmed by retention in bounded batches: this block does nothing there.
DO $partition$
DECLARE
  today date := (now() AT TIME ZONE 'UTC')::date;
  first_day date;
  day date;
BEGIN
  IF version() LIKE '%PGlite%' THEN
    RETURN;
  END IF;
  ALTER TABLE "check_results" RENAME TO "check_results_unpartitioned";
  ALTER INDEX "check_results_pkey" RENAME TO "check_results_unpartitioned_pkey";
  ALTER INDEX "check_results_check_id_run_id_checked_at_key" RENAME TO "check_results_unpartitioned_run_key";
  ALTER INDEX "check_results_check_id_location_checked_at_idx" RENAME TO "check_results_unpartitioned_location_idx";
  ALTER INDEX "check_results_unevaluated" RENAME TO "check_results_unpartitioned_unevaluated";
  ALTER TABLE "check_results_unpartitioned" RENAME CONSTRAINT "check_results_check_id_fkey" TO "check_results_unpartitioned_check_id_fkey";

  -- The same columns in the same order, their defaults (the id's sequence) and check constraints.
  CREATE TABLE "check_results" (LIKE "check_results_unpartitioned" INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)
    PARTITION BY RANGE ("checked_at");
  ALTER SEQUENCE "check_results_id_seq" OWNED BY "check_results"."id";
  ALTER TABLE "check_results" ADD CONSTRAINT "check_results_pkey" PRIMARY KEY ("id", "checked_at");
  CREATE UNIQUE INDEX "check_results_check_id_run_id_checked_at_key" ON "check_results" ("check_id", "run_id", "checked_at");
  CREATE INDEX "check_results_check_id_location_checked_at_idx" ON "check_results" ("check_id", "location", "checked_at");
  CREATE INDEX "check_results_unevaluated" ON "check_results" ("check_id", "checked_at") WHERE "evaluated_at" IS NULL;
  ALTER TABLE "check_results" ADD CONSTRAINT "check_results_check_id_fkey" FOREIGN KEY ("check_id") REFERENCES "checks" ("id")
    ON DELETE CASCADE ON UPDATE CASCADE;

  -- A daily partition for every day with results (at most 400 back: anything older shares one
  -- partition, which retention drops whole) up to three days ahead; the DEFAULT one for the rest.
  SELECT least(coalesce((min("checked_at") AT TIME ZONE 'UTC')::date, today), today) INTO first_day FROM "check_results_unpartitioned";
  IF first_day < today - 400 THEN
    first_day := today - 400;
    EXECUTE format('CREATE TABLE %I PARTITION OF "check_results" FOR VALUES FROM (MINVALUE) TO (%L)',
      'check_results_p' || to_char(first_day - 1, 'YYYYMMDD'), first_day::text || ' 00:00:00+00');
  END IF;
  day := first_day;
  WHILE day <= today + 3 LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF "check_results" FOR VALUES FROM (%L) TO (%L)',
      'check_results_p' || to_char(day, 'YYYYMMDD'), day::text || ' 00:00:00+00', (day + 1)::text || ' 00:00:00+00');
    day := day + 1;
  END LOOP;
  CREATE TABLE "check_results_default" PARTITION OF "check_results" DEFAULT;

  INSERT INTO "check_results" SELECT * FROM "check_results_unpartitioned";
  DROP TABLE "check_results_unpartitioned";
END
$partition$;
