-- CreateTable
CREATE TABLE "rollup_folds" (
    "id" BOOLEAN NOT NULL DEFAULT true,
    "folded_until" TIMESTAMPTZ(3) NOT NULL,
    "folding_to" TIMESTAMPTZ(3) NOT NULL,
    "folding_cursor" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "rollup_folds_pkey" PRIMARY KEY ("id")
);

-- vigil:hand-written
-- Daily rollups are folded from the hourly ones, once an hour, instead of a second upsert per
-- result: check_rollups_daily holds, per check, location and UTC day, the results checked before
-- the check's fold boundary (folded_until, or folding_to for the checks up to folding_cursor while
-- a fold is under way); the hours from the boundary on are read from check_rollups_hourly
-- (the view check_rollups_days merges both). The evaluation adds a result to the daily rollup
-- only when it is older than the boundary (late). One row.
ALTER TABLE "rollup_folds" ADD CONSTRAINT "rollup_folds_one_row" CHECK ("id");

-- Two histograms added bucket by bucket (in place: the array is expanded once).
CREATE FUNCTION "vigil_histogram_add"(a integer[], b integer[]) RETURNS integer[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
BEGIN
  FOR i IN 1 .. cardinality(a) LOOP
    a[i] := a[i] + b[i];
  END LOOP;
  RETURN a;
END $$;

CREATE AGGREGATE "vigil_histogram_sum"(integer[]) (SFUNC = "vigil_histogram_add", STYPE = integer[]);

-- Offline (services stopped): every result so far is in both tables. Today's daily rows are
-- rebuilt from the hours before the boundary, the current hour's results stay hourly only.
INSERT INTO "rollup_folds" ("id", "folded_until", "folding_to") VALUES (true, date_trunc('hour', now(), 'UTC'), date_trunc('hour', now(), 'UTC'));

DELETE FROM "check_rollups_daily" WHERE "bucket_start" >= date_trunc('day', (SELECT "folded_until" FROM "rollup_folds"), 'UTC');

INSERT INTO "check_rollups_daily" ("check_id", "location", "bucket_start", "count", "failures", "inconclusive", "degraded",
  "latency_count", "latency_sum", "latency_min", "latency_max", "histogram")
SELECT h."check_id", h."location", date_trunc('day', h."bucket_start", 'UTC'), sum(h."count")::int, sum(h."failures")::int, sum(h."inconclusive")::int,
  sum(h."degraded")::int, sum(h."latency_count")::int, sum(h."latency_sum")::bigint, min(h."latency_min"), max(h."latency_max"), vigil_histogram_sum(h."histogram")
FROM "check_rollups_hourly" h, "rollup_folds" f
WHERE h."bucket_start" >= date_trunc('day', f."folded_until", 'UTC') AND h."bucket_start" < f."folded_until"
GROUP BY 1, 2, 3;

-- The daily rollups as readers want them: the folded days as stored, and the days from the
-- boundary's on merged from their daily row (the hours before the boundary) and the hourly rows
-- from the boundary on. A reader's check_id and bucket_start bounds reach both tables' primary
-- keys. Without a row in rollup_folds nothing counts as folded.
CREATE VIEW "check_rollups_days" AS
WITH "f" AS (
  SELECT coalesce(max("folded_until"), '-infinity') AS "until", coalesce(max("folding_to"), '-infinity') AS "to",
    coalesce(max("folding_cursor"), 0) AS "cursor" FROM "rollup_folds"
)
SELECT d."check_id", d."location", d."bucket_start", d."count", d."failures", d."inconclusive", d."degraded",
  d."latency_count", d."latency_sum", d."latency_min", d."latency_max", d."histogram"
FROM "check_rollups_daily" d
WHERE d."bucket_start" < (SELECT date_trunc('day', "until", 'UTC') FROM "f")
UNION ALL
SELECT t."check_id", t."location", date_trunc('day', t."bucket_start", 'UTC'), sum(t."count")::int, sum(t."failures")::int, sum(t."inconclusive")::int,
  sum(t."degraded")::int, sum(t."latency_count")::int, sum(t."latency_sum")::bigint, min(t."latency_min"), max(t."latency_max"), vigil_histogram_sum(t."histogram")
FROM (
  SELECT d.* FROM "check_rollups_daily" d WHERE d."bucket_start" >= (SELECT date_trunc('day', "until", 'UTC') FROM "f")
  UNION ALL
  SELECT h.* FROM "check_rollups_hourly" h, "f"
  WHERE h."bucket_start" >= "f"."until" AND h."bucket_start" >= CASE WHEN h."check_id" <= "f"."cursor" THEN "f"."to" ELSE "f"."until" END
) t
GROUP BY t."check_id", t."location", date_trunc('day', t."bucket_start", 'UTC');
