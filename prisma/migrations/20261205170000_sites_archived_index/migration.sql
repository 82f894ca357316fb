-- vigil:hand-written
-- Every lease leaves out the states of archived sites (a state added since archiving, for a new
-- runner, is not parked). Without an index that question read the whole sites table once per
-- poll: 7 ms of a 13 ms lease of 100 runs with 20,000 sites. Archived sites are few; this
-- index holds only them, so the question is one descent of a tiny index whatever the number
-- of sites, and no write of a live site's row ever touches it.
CREATE INDEX "sites_archived_idx" ON "sites" ("id") WHERE "archived_at" IS NOT NULL;
