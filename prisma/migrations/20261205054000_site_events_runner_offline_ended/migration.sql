-- vigil:hand-written
-- Every evaluation pass reads the runner_offline spells open or closed since its oldest pending
-- result (load-rows.ts): without this, a scan of every event ever kept, on every pass. Only
-- runner spells are in it, so it stays small whatever the checks' own history.
CREATE INDEX "site_events_runner_offline_ended_at" ON "site_events" ("ended_at")
    WHERE "event_type" = 'runner_offline' AND "check_id" IS NULL AND "location" IS NOT NULL;
