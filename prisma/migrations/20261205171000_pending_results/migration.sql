-- CreateTable
CREATE TABLE "pending_results" (
    "check_id" INTEGER NOT NULL,
    "result_id" BIGINT NOT NULL,
    "checked_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "pending_results_pkey" PRIMARY KEY ("check_id","result_id")
);

-- vigil:hand-written
-- The evaluation queue replaces the evaluated mark (check_results.evaluated_at and its partial
-- index check_results_unevaluated): the results still unevaluated are carried into the queue
-- first, then the mark goes. From now on the trigger queues every stored result in the statement
-- that stores it, whichever writer it is (reports, heartbeat pings, the sweeps, tests, tools):
-- one statement-level trigger, one INSERT of the statement's new rows (an ON CONFLICT DO
-- NOTHING that stored nothing queues nothing).
INSERT INTO "pending_results" ("check_id", "result_id", "checked_at")
SELECT "check_id", "id", "checked_at" FROM "check_results" WHERE "evaluated_at" IS NULL;

DROP INDEX "check_results_unevaluated";

ALTER TABLE "check_results" DROP COLUMN "evaluated_at";

CREATE FUNCTION "vigil_queue_results"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "pending_results" ("check_id", "result_id", "checked_at") SELECT "check_id", "id", "checked_at" FROM "stored";
  RETURN NULL;
END
$$;

CREATE TRIGGER "check_results_queue" AFTER INSERT ON "check_results"
  REFERENCING NEW TABLE AS "stored" FOR EACH STATEMENT EXECUTE FUNCTION "vigil_queue_results"();

-- Instead of a foreign key (whose check, one per queued row, cost each stored result as much
-- again as the result's own): a deleted check takes its queued results along, once per statement.
-- No result is queued for a check being deleted meanwhile: check_results' foreign key locks the
-- check's row until the result's statement commits, and refuses one for a check that is gone.
CREATE FUNCTION "vigil_unqueue_checks"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "pending_results" q USING "gone" g WHERE q."check_id" = g."id";
  RETURN NULL;
END
$$;

CREATE TRIGGER "checks_unqueue" AFTER DELETE ON "checks"
  REFERENCING OLD TABLE AS "gone" FOR EACH STATEMENT EXECUTE FUNCTION "vigil_unqueue_checks"();
