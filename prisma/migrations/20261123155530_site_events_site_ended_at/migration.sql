-- CreateIndex
CREATE INDEX "site_events_site_id_ended_at_idx" ON "site_events"("site_id", "ended_at");
