-- vigil:hand-written
-- The evaluator's sweep for disabled and deleted checks (closeRetiredChecks) reads these few
-- rows every few seconds; without this index it read every check.
CREATE INDEX "checks_retired" ON "checks" ("id")
    WHERE NOT "enabled" OR "deleted_at" IS NOT NULL;
