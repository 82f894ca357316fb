-- DropIndex
DROP INDEX "location_states_uuid_key";

-- vigil:hand-written
-- Every lease and many reports rewrite a state's lease columns: room left on each page
-- lets PostgreSQL keep those updates on the same page (HOT), without new index entries.
ALTER TABLE "location_states" SET (fillfactor = 70);
