-- AlterEnum
ALTER TYPE "check_type" ADD VALUE 'icmp';
