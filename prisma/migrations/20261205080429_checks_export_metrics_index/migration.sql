-- vigil:hand-written
-- The controller reads the checks that opt in to per-check Prometheus series every few seconds
-- (at most every 10 s per replica, see libs/controller/src/check-metrics): they are few, and
-- without this index each read scanned every check.
CREATE INDEX "checks_export_metrics" ON "checks" ("id")
    WHERE "export_metrics" AND "deleted_at" IS NULL;
