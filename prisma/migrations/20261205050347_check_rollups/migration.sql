-- CreateTable
CREATE TABLE "check_rollups_hourly" (
    "check_id" INTEGER NOT NULL,
    "location" TEXT NOT NULL,
    "bucket_start" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL,
    "failures" INTEGER NOT NULL,
    "inconclusive" INTEGER NOT NULL,
    "degraded" INTEGER NOT NULL,
    "latency_count" INTEGER NOT NULL,
    "latency_sum" BIGINT NOT NULL,
    "latency_min" INTEGER,
    "latency_max" INTEGER,
    "histogram" INTEGER[],

CONSTRAINT "check_rollups_hourly_pkey" PRIMARY KEY ("check_id","location","bucket_start")
);

-- CreateTable
CREATE TABLE "check_rollups_daily" (
    "check_id" INTEGER NOT NULL,
    "location" TEXT NOT NULL,
    "bucket_start" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL,
    "failures" INTEGER NOT NULL,
    "inconclusive" INTEGER NOT NULL,
    "degraded" INTEGER NOT NULL,
    "latency_count" INTEGER NOT NULL,
    "latency_sum" BIGINT NOT NULL,
    "latency_min" INTEGER,
    "latency_max" INTEGER,
    "histogram" INTEGER[],

CONSTRAINT "check_rollups_daily_pkey" PRIMARY KEY ("check_id","location","bucket_start")
);

-- AddForeignKey
ALTER TABLE "check_rollups_hourly" ADD CONSTRAINT "check_rollups_hourly_check_id_fkey" FOREIGN KEY ("check_id") REFERENCES "checks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "check_rollups_daily" ADD CONSTRAINT "check_rollups_daily_check_id_fkey" FOREIGN KEY ("check_id") REFERENCES "checks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- vigil:hand-written
-- The latency bucket of libs/rollups (buckets.ts), in SQL: width_bucket over the buckets' lowest
-- latencies (each upper bound + 1), so bucket 0 is ≤ 1 ms and bucket 111 is > 60 s. Histograms
-- are stored 1-based (element b + 1 counts bucket b). Inlined by the planner (SQL, immutable).
CREATE FUNCTION "vigil_latency_bucket"(ms integer) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT width_bucket(ms, ARRAY[
    2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,19,21,22,24,
    26,28,31,33,36,40,43,47,51,55,60,65,71,78,84,92,100,109,119,129,
    141,154,167,183,199,217,236,257,281,306,333,364,396,432,471,513,560,610,665,726,
    791,863,941,1025,1118,1219,1329,1450,1581,1724,1880,2049,2235,2437,2657,2898,3160,3446,3758,4097,
    4468,4872,5313,5794,6318,6890,7514,8193,8935,9743,10625,11587,12635,13779,15026,16385,17868,19485,21249,23172,
    25269,27556,30050,32769,35735,38969,42496,46342,50537,55110,60001
  ]::integer[]) $$;

-- Histograms have the fixed length of the buckets.
ALTER TABLE "check_rollups_hourly" ADD CONSTRAINT "check_rollups_hourly_histogram" CHECK (cardinality("histogram") = 112);
ALTER TABLE "check_rollups_daily" ADD CONSTRAINT "check_rollups_daily_histogram" CHECK (cardinality("histogram") = 112);

-- A histogram with one more result in each of some buckets (array_agg of vigil_latency_bucket;
-- NULL for none), counted in place: a pass adds a few results to a rollup, never a whole
-- histogram, so its cost follows the results, not the 112 buckets.
CREATE FUNCTION "vigil_histogram_count"(h integer[], buckets integer[]) RETURNS integer[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
DECLARE
  b integer;
BEGIN
  FOREACH b IN ARRAY coalesce(buckets, '{}'::integer[]) LOOP
    h[b + 1] := h[b + 1] + 1;
  END LOOP;
  RETURN h;
END $$;

-- The histogram of some buckets.
CREATE FUNCTION "vigil_latency_histogram"(buckets integer[]) RETURNS integer[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT vigil_histogram_count(array_fill(0, ARRAY[112]), buckets) $$;

-- A rollup row is updated by every pass that evaluates its check (an hour's row about 60 times
-- at a 60 s interval, a day's 1,440): room on its page keeps those updates HOT (no index entry).
ALTER TABLE "check_rollups_hourly" SET (fillfactor = 70);
ALTER TABLE "check_rollups_daily" SET (fillfactor = 70);
