-- CreateEnum
CREATE TYPE "ping_kind" AS ENUM ('start', 'success', 'fail');

-- AlterEnum
ALTER TYPE "check_type" ADD VALUE 'heartbeat';

-- AlterTable
ALTER TABLE "checks" ADD COLUMN     "ping_token" TEXT;

-- CreateTable
CREATE TABLE "heartbeat_pings" (
    "id" BIGSERIAL NOT NULL,
    "check_id" INTEGER NOT NULL,
    "site_id" INTEGER NOT NULL,
    "kind" "ping_kind" NOT NULL,
    "exit_code" INTEGER,
    "rid" UUID,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "duration_ms" INTEGER,
    "body" TEXT,
    "user_agent" TEXT,
    "remote_addr" TEXT,

CONSTRAINT "heartbeat_pings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "heartbeat_pings_check_id_received_at_idx" ON "heartbeat_pings"("check_id", "received_at");

-- CreateIndex
CREATE UNIQUE INDEX "heartbeat_pings_check_id_rid_kind_key" ON "heartbeat_pings"("check_id", "rid", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "checks_ping_token_key" ON "checks"("ping_token");

-- AddForeignKey
ALTER TABLE "heartbeat_pings" ADD CONSTRAINT "heartbeat_pings_check_id_fkey" FOREIGN KEY ("check_id") REFERENCES "checks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
