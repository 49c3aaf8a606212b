import { Module } from '@nestjs/common';

/**
 * Members (đoàn viên) and branch officers: admissions, transfers, status changes, secretaries (bí thư) and deputies, and each secretary's career.
 * One folder per capability below this one; this module gathers them, so that the service runs
 * alone (main.ts) or beside the others in the embedded start.
 */
@Module({})
export class PersonnelModule {}
