-- DropIndex
DROP INDEX "check_results_checked_at_idx";
