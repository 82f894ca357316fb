-- CreateEnum
CREATE TYPE "runner_load" AS ENUM ('ok', 'behind');

-- AlterTable
ALTER TABLE "runners" ADD COLUMN     "load" "runner_load",
ADD COLUMN     "load_changed_at" TIMESTAMPTZ(3),
ADD COLUMN     "load_concurrency" INTEGER;
