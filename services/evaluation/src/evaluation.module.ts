import { Module } from '@nestjs/common';

/**
 * Yearly ratings (đánh giá, xếp loại) of branches, members and officers; commendations; support visits.
 * One folder per capability below this one; this module gathers them, so that the service runs
 * alone (main.ts) or beside the others in the embedded start.
 */
@Module({})
export class EvaluationModule {}
