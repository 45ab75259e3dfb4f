-- AlterTable
ALTER TABLE "User" ADD COLUMN     "details" TEXT;

