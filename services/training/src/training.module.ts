import { Module } from '@nestjs/common';

/**
 * Training courses (lớp tập huấn) and topics for union officers: enrolment, attendance, completion; competitions.
 * One folder per capability below this one; this module gathers them, so that the service runs
 * alone (main.ts) or beside the others in the embedded start.
 */
@Module({})
export class TrainingModule {}
