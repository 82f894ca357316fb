-- AlterTable
ALTER TABLE "sites" ADD COLUMN     "archived_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "key_id" UUID,
    "key_name" TEXT,
    "method" TEXT NOT NULL,
    "route" TEXT NOT NULL,
    "resource_type" TEXT NOT NULL,
    "resource_id" TEXT,
    "status" INTEGER NOT NULL,
    "summary" JSONB NOT NULL DEFAULT '{}',

CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "audit_log_key_id_id_idx" ON "audit_log"("key_id", "id");

-- CreateIndex
CREATE INDEX "audit_log_resource_id_id_idx" ON "audit_log"("resource_id", "id");

-- vigil:hand-written
-- The audit log is append-only: no request, key or bug in the application can rewrite
-- or erase who did what. vigil_refuse_update (init) refuses every UPDATE; DELETE and
-- TRUNCATE are refused here too (only dropping the schema, `db:reset`, removes rows).
CREATE FUNCTION "vigil_refuse_audit_erase"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only and never deleted', TG_TABLE_NAME USING ERRCODE = 'VG005';
END
$$;
CREATE TRIGGER "audit_log_append_only" BEFORE UPDATE ON "audit_log"
    FOR EACH ROW EXECUTE FUNCTION "vigil_refuse_update"();
CREATE TRIGGER "audit_log_never_deleted" BEFORE DELETE ON "audit_log"
    FOR EACH ROW EXECUTE FUNCTION "vigil_refuse_audit_erase"();
CREATE TRIGGER "audit_log_never_truncated" BEFORE TRUNCATE ON "audit_log"
    FOR EACH STATEMENT EXECUTE FUNCTION "vigil_refuse_audit_erase"();

