-- vigil:hand-written
-- Invariant 5 for site-wide events (slo_burn has neither a check nor a location): at most one open
-- burn alert per site. The burn-rate job also takes an advisory lock; this makes a second
-- evaluator's duplicate open fail in the database, not only in code. The 'slo_burn' value was
-- added (and committed) by an earlier migration.
CREATE UNIQUE INDEX "site_events_one_open_slo_burn_per_site" ON "site_events" ("site_id")
    WHERE "ended_at" IS NULL AND "event_type" = 'slo_burn'::"event_type";
