-- CreateEnum
CREATE TYPE "site_status" AS ENUM ('up', 'seems_down', 'down', 'degraded', 'warning', 'unknown', 'maintenance', 'paused');

-- CreateEnum
CREATE TYPE "check_type" AS ENUM ('http', 'tcp', 'dns', 'tls_cert');

-- CreateEnum
CREATE TYPE "event_type" AS ENUM ('seems_down', 'down', 'cert_expiring', 'runner_offline');

-- CreateEnum
CREATE TYPE "event_severity" AS ENUM ('low', 'warning', 'degraded', 'high');

-- CreateEnum
CREATE TYPE "resolution_reason" AS ENUM ('recovered', 'false_alarm', 'maintenance', 'check_disabled', 'check_deleted', 'manual');

-- CreateEnum
CREATE TYPE "transition_reason" AS ENUM ('opened', 'confirmed', 'severity_changed', 'recovered', 'false_alarm', 'maintenance', 'check_disabled', 'check_deleted', 'manual', 'cause_linked');

-- CreateEnum
CREATE TYPE "channel_type" AS ENUM ('webhook', 'slack', 'email', 'pagerduty');

-- CreateEnum
CREATE TYPE "notification_kind" AS ENUM ('seems_down', 'down', 'recovered', 'reminder', 'opened', 'closed');

-- CreateEnum
CREATE TYPE "notification_status" AS ENUM ('pending', 'delivered', 'failed');

-- CreateEnum
CREATE TYPE "api_key_scope" AS ENUM ('read', 'write', 'admin');

-- CreateTable
CREATE TABLE "sites" (
    "id" SERIAL NOT NULL,
    "uuid" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "status" "site_status" NOT NULL DEFAULT 'unknown',
    "public_status_page" BOOLEAN NOT NULL DEFAULT false,
    "last_checked_at" TIMESTAMPTZ(3),
    "last_status_change_at" TIMESTAMPTZ(3),
    "last_alert_sent_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

CONSTRAINT "sites_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "endpoints" (
    "id" SERIAL NOT NULL,
    "site_id" INTEGER NOT NULL,
    "target" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

CONSTRAINT "endpoints_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "checks" (
    "id" SERIAL NOT NULL,
    "uuid" UUID NOT NULL DEFAULT gen_random_uuid(),
    "endpoint_id" INTEGER NOT NULL,
    "name" TEXT,
    "type" "check_type" NOT NULL,
    "spec" JSONB NOT NULL DEFAULT '{}',
    "interval_s" INTEGER NOT NULL DEFAULT 60,
    "down_interval_s" INTEGER,
    "timeout_ms" INTEGER NOT NULL DEFAULT 10000,
    "locations" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "failing_threshold" INTEGER NOT NULL DEFAULT 2,
    "passing_threshold" INTEGER NOT NULL DEFAULT 1,
    "failing_locations_threshold" TEXT NOT NULL DEFAULT '66%',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "status" "site_status" NOT NULL DEFAULT 'unknown',
    "last_checked_at" TIMESTAMPTZ(3),
    "last_status_change_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

CONSTRAINT "checks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "runners" (
    "id" SERIAL NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "public_key" TEXT NOT NULL,
    "key_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

CONSTRAINT "runners_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "location_states" (
    "id" SERIAL NOT NULL,
    "uuid" UUID NOT NULL DEFAULT gen_random_uuid(),
    "check_id" INTEGER NOT NULL,
    "site_id" INTEGER NOT NULL,
    "location" TEXT NOT NULL,
    "failing_strikes" INTEGER NOT NULL DEFAULT 0,
    "passing_strikes" INTEGER NOT NULL DEFAULT 0,
    "resolved" BOOLEAN NOT NULL DEFAULT true,
    "next_due_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lease_run_id" UUID,
    "leased_until" TIMESTAMPTZ(3),
    "last_result_at" TIMESTAMPTZ(3),
    "last_ok" BOOLEAN,

CONSTRAINT "location_states_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "check_results" (
    "id" BIGSERIAL NOT NULL,
    "check_id" INTEGER NOT NULL,
    "site_id" INTEGER NOT NULL,
    "run_id" UUID NOT NULL,
    "location" TEXT NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "status_code" INTEGER,
    "latency_ms" INTEGER,
    "timings" JSONB,
    "error_code" TEXT,
    "error" TEXT,
    "details" JSONB,
    "checked_at" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "evaluated_at" TIMESTAMPTZ(3),

CONSTRAINT "check_results_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "site_events" (
    "id" BIGSERIAL NOT NULL,
    "uuid" UUID NOT NULL DEFAULT gen_random_uuid(),
    "site_id" INTEGER NOT NULL,
    "endpoint_id" INTEGER,
    "check_id" INTEGER,
    "check_type" "check_type",
    "location" TEXT,
    "event_type" "event_type" NOT NULL,
    "severity" "event_severity" NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),
    "resolution_reason" "resolution_reason",
    "cause_event_id" BIGINT,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

CONSTRAINT "site_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "event_transitions" (
    "id" BIGSERIAL NOT NULL,
    "event_id" BIGINT NOT NULL,
    "site_id" INTEGER NOT NULL,
    "state_before" "event_type",
    "state_after" "event_type" NOT NULL,
    "severity_before" "event_severity",
    "severity_after" "event_severity" NOT NULL,
    "reason" "transition_reason" NOT NULL,
    "source" TEXT NOT NULL,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

CONSTRAINT "event_transitions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "maintenance_windows" (
    "id" SERIAL NOT NULL,
    "uuid" UUID NOT NULL DEFAULT gen_random_uuid(),
    "site_id" INTEGER NOT NULL,
    "check_id" INTEGER,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

CONSTRAINT "maintenance_windows_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_channels" (
    "id" SERIAL NOT NULL,
    "uuid" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "type" "channel_type" NOT NULL,
    "config" JSONB NOT NULL DEFAULT '{}',
    "site_ids" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "notify_on_seems_down" BOOLEAN NOT NULL DEFAULT false,
    "reminder_minutes" INTEGER,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

CONSTRAINT "notification_channels_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notifications" (
    "id" BIGSERIAL NOT NULL,
    "uuid" UUID NOT NULL DEFAULT gen_random_uuid(),
    "site_id" INTEGER NOT NULL,
    "event_id" BIGINT NOT NULL,
    "transition_id" BIGINT,
    "channel_id" INTEGER NOT NULL,
    "kind" "notification_kind" NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "status" "notification_status" NOT NULL DEFAULT 'pending',
    "attempt_count" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),

CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_attempts" (
    "id" BIGSERIAL NOT NULL,
    "notification_id" BIGINT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ok" BOOLEAN NOT NULL,
    "status_code" INTEGER,
    "duration_ms" INTEGER,
    "response_excerpt" TEXT,
    "error" TEXT,

CONSTRAINT "notification_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" SERIAL NOT NULL,
    "uuid" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "scopes" "api_key_scope"[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "sites_uuid_key" ON "sites"("uuid");

-- CreateIndex
CREATE UNIQUE INDEX "sites_slug_key" ON "sites"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "endpoints_site_id_target_key" ON "endpoints"("site_id", "target");

-- CreateIndex
CREATE UNIQUE INDEX "checks_uuid_key" ON "checks"("uuid");

-- CreateIndex
CREATE INDEX "checks_endpoint_id_idx" ON "checks"("endpoint_id");

-- CreateIndex
CREATE UNIQUE INDEX "runners_slug_key" ON "runners"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "runners_key_id_key" ON "runners"("key_id");

-- CreateIndex
CREATE UNIQUE INDEX "location_states_uuid_key" ON "location_states"("uuid");

-- CreateIndex
CREATE INDEX "location_states_location_next_due_at_idx" ON "location_states"("location", "next_due_at");

-- CreateIndex
CREATE UNIQUE INDEX "location_states_check_id_location_key" ON "location_states"("check_id", "location");

-- CreateIndex
CREATE INDEX "check_results_check_id_location_checked_at_idx" ON "check_results"("check_id", "location", "checked_at");

-- CreateIndex
CREATE INDEX "check_results_checked_at_idx" ON "check_results"("checked_at");

-- CreateIndex
CREATE UNIQUE INDEX "check_results_check_id_run_id_key" ON "check_results"("check_id", "run_id");

-- CreateIndex
CREATE UNIQUE INDEX "site_events_uuid_key" ON "site_events"("uuid");

-- CreateIndex
CREATE INDEX "site_events_site_id_started_at_idx" ON "site_events"("site_id", "started_at");

-- CreateIndex
CREATE INDEX "site_events_check_id_started_at_idx" ON "site_events"("check_id", "started_at");

-- CreateIndex
CREATE INDEX "site_events_cause_event_id_idx" ON "site_events"("cause_event_id");

-- CreateIndex
CREATE INDEX "event_transitions_event_id_id_idx" ON "event_transitions"("event_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "maintenance_windows_uuid_key" ON "maintenance_windows"("uuid");

-- CreateIndex
CREATE INDEX "maintenance_windows_site_id_ends_at_idx" ON "maintenance_windows"("site_id", "ends_at");

-- CreateIndex
CREATE UNIQUE INDEX "notification_channels_uuid_key" ON "notification_channels"("uuid");

-- CreateIndex
CREATE UNIQUE INDEX "notifications_uuid_key" ON "notifications"("uuid");

-- CreateIndex
CREATE UNIQUE INDEX "notifications_idempotency_key_key" ON "notifications"("idempotency_key");

-- CreateIndex
CREATE INDEX "notifications_event_id_idx" ON "notifications"("event_id");

-- CreateIndex
CREATE INDEX "notification_attempts_notification_id_idx" ON "notification_attempts"("notification_id");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_uuid_key" ON "api_keys"("uuid");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_hash_key" ON "api_keys"("hash");

-- AddForeignKey
ALTER TABLE "endpoints" ADD CONSTRAINT "endpoints_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "checks" ADD CONSTRAINT "checks_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "location_states" ADD CONSTRAINT "location_states_check_id_fkey" FOREIGN KEY ("check_id") REFERENCES "checks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "check_results" ADD CONSTRAINT "check_results_check_id_fkey" FOREIGN KEY ("check_id") REFERENCES "checks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "site_events" ADD CONSTRAINT "site_events_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "site_events" ADD CONSTRAINT "site_events_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "endpoints"("id") ON DELETE NO ACTION ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "site_events" ADD CONSTRAINT "site_events_check_id_fkey" FOREIGN KEY ("check_id") REFERENCES "checks"("id") ON DELETE NO ACTION ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "site_events" ADD CONSTRAINT "site_events_cause_event_id_fkey" FOREIGN KEY ("cause_event_id") REFERENCES "site_events"("id") ON DELETE NO ACTION ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "event_transitions" ADD CONSTRAINT "event_transitions_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "site_events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "maintenance_windows" ADD CONSTRAINT "maintenance_windows_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "maintenance_windows" ADD CONSTRAINT "maintenance_windows_check_id_fkey" FOREIGN KEY ("check_id") REFERENCES "checks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "site_events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_transition_id_fkey" FOREIGN KEY ("transition_id") REFERENCES "event_transitions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "notification_channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification_attempts" ADD CONSTRAINT "notification_attempts_notification_id_fkey" FOREIGN KEY ("notification_id") REFERENCES "notifications"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- vigil:hand-written
-- What Prisma's schema language cannot say. The drift check (libs/db diff) knows
-- every object created below this line by its name.

-- Invariant 5: at most one open event per (check, kind). seems_down and down are
-- one kind (an outage that is upgraded in place), so they share a key.
CREATE UNIQUE INDEX "site_events_one_open_per_check_kind" ON "site_events" (
    "check_id",
    (CASE WHEN "event_type" = 'down' THEN 'seems_down'::"event_type" ELSE "event_type" END)
) WHERE "ended_at" IS NULL AND "check_id" IS NOT NULL;

-- Location-wide events (runner_offline) have no check: one open per (location, kind).
CREATE UNIQUE INDEX "site_events_one_open_per_location_kind" ON "site_events" ("location", "event_type")
    WHERE "ended_at" IS NULL AND "check_id" IS NULL AND "location" IS NOT NULL;

-- Invariant 3: an event is closed exactly when it has a resolution reason.
ALTER TABLE "site_events" ADD CONSTRAINT "site_events_closed_has_reason"
    CHECK (("ended_at" IS NULL) = ("resolution_reason" IS NULL));
ALTER TABLE "site_events" ADD CONSTRAINT "site_events_not_own_cause"
    CHECK ("cause_event_id" IS NULL OR "cause_event_id" <> "id");

-- Invariants 2 and 4: started_at never moves; a closed event is never changed;
-- events and their audit rows are deleted only by their site's cascade.
CREATE FUNCTION "vigil_guard_site_event_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD."ended_at" IS NOT NULL THEN
        RAISE EXCEPTION 'site event % is closed and cannot be changed', OLD."id"
            USING ERRCODE = 'VG001', HINT = 'closed events are immutable; open a new event instead';
    END IF;
    IF NEW."started_at" IS DISTINCT FROM OLD."started_at" THEN
        RAISE EXCEPTION 'site event %: started_at cannot change', OLD."id" USING ERRCODE = 'VG002';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER "site_events_guard_update" BEFORE UPDATE ON "site_events"
    FOR EACH ROW EXECUTE FUNCTION "vigil_guard_site_event_update"();

-- A delete fired by a foreign key's cascade runs one trigger level deeper than a direct one.
CREATE FUNCTION "vigil_refuse_direct_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION '% rows are deleted only with their site', TG_TABLE_NAME USING ERRCODE = 'VG003';
    END IF;
    RETURN OLD;
END
$$;
CREATE TRIGGER "site_events_guard_delete" BEFORE DELETE ON "site_events"
    FOR EACH ROW EXECUTE FUNCTION "vigil_refuse_direct_delete"();
CREATE TRIGGER "event_transitions_guard_delete" BEFORE DELETE ON "event_transitions"
    FOR EACH ROW EXECUTE FUNCTION "vigil_refuse_direct_delete"();

-- Invariant 10: the audit is append-only.
CREATE FUNCTION "vigil_refuse_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only', TG_TABLE_NAME USING ERRCODE = 'VG004';
END
$$;
CREATE TRIGGER "event_transitions_append_only" BEFORE UPDATE ON "event_transitions"
    FOR EACH ROW EXECUTE FUNCTION "vigil_refuse_update"();

ALTER TABLE "maintenance_windows" ADD CONSTRAINT "maintenance_windows_ends_after_start"
    CHECK ("ends_at" > "starts_at");

-- Claiming: the evaluator's queue of unevaluated results, the notifier's due outbox rows.
CREATE INDEX "check_results_unevaluated" ON "check_results" ("check_id", "checked_at")
    WHERE "evaluated_at" IS NULL;
CREATE INDEX "notifications_due" ON "notifications" ("next_attempt_at")
    WHERE "status" = 'pending';
