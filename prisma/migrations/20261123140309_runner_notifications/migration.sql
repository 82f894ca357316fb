ALTER TYPE "notification_kind" ADD VALUE 'runner_offline';
ALTER TYPE "notification_kind" ADD VALUE 'runner_recovered';
