-- vigil:hand-written
-- Each result updates its location state twice: the lease (next_due_at, indexed: never HOT) and
-- the evaluation (strikes; HOT now that it leaves a fresh_until still well ahead alone). A HOT
-- update needs room on the row's page: packed full, the evaluation's new version went to another
-- page with an entry in each of the table's four indexes. Applies to pages written from now on
-- (a VACUUM FULL applies it to the existing ones).
ALTER TABLE "location_states" SET (fillfactor = 80);
