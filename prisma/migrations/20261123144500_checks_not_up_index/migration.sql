-- vigil:hand-written
-- A site's status is the worst of its checks'; only the checks that are not up can make it worse,
-- and they are few: the evaluator's site projection reads them from here, not every check of a site.
CREATE INDEX "checks_not_up" ON "checks" ("endpoint_id")
    WHERE "status" <> 'up' AND "enabled" AND "deleted_at" IS NULL;
