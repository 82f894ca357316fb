-- vigil:hand-written
-- location_states is keyed by (check_id, location), its natural key, instead of a surrogate id.
-- Every lease updates next_due_at, which is indexed, so every lease wrote a new entry in each of
-- the table's indexes: the id key was a fourth index that only restated the unique
-- (check_id, location) one. The unique index becomes the primary key as it is (no rebuild).
ALTER TABLE "location_states" DROP CONSTRAINT "location_states_pkey",
DROP COLUMN "id";

ALTER TABLE "location_states" ADD CONSTRAINT "location_states_pkey" PRIMARY KEY USING INDEX "location_states_check_id_location_key";
