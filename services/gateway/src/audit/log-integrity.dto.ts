import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { VERIFIABLE_SERVICES } from './log-integrities';
import { RunsForwards } from './runs-forwards';
import { WholeNumber } from '@register/service-kit';

type VerifiableService = (typeof VERIFIABLE_SERVICES)[number];

/** POST /audit/verifications: which logs (all by default). */
export class VerificationRequest {
  @ApiPropertyOptional({ enum: VERIFIABLE_SERVICES, isArray: true, description: 'Only these services\' logs; every log by default' })
  @ValidateIf((o: VerificationRequest) => o.services !== undefined) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(4) @IsIn(VERIFIABLE_SERVICES, { each: true }) services?: VerifiableService[];

  @ApiPropertyOptional({
    type: [String],
    description:
      'Checkpoints the auditor kept from before (each a signed note, as GET /audit/checkpoints gives it in `note`), at most one per log: ' +
      'each log they sign (the note\'s first line, union-register/<service>) is checked from that checkpoint to its head, when its first events give the ' +
      'checkpoint\'s root; the events before it are not read again. When they do not, the whole log is checked and the problem says why.',
  })
  @ValidateIf((o: VerificationRequest) => o.trustedCheckpoints !== undefined) @IsArray() @ArrayMaxSize(4) @IsString({ each: true }) @MaxLength(4096, { each: true })
  trustedCheckpoints?: string[];
}

/** GET /audit/checkpoints: one service's or all; the newest, or those after a size; a page at most. */
export class CheckpointsQuery {
  @ApiPropertyOptional({ enum: VERIFIABLE_SERVICES }) @IsOptional() @IsIn(VERIFIABLE_SERVICES) service?: VerifiableService;
  @ApiPropertyOptional({ description: 'Only the checkpoints of larger sizes, oldest first (to page through them: the last size of a page); without it, the newest', minimum: 0 })
  @IsOptional() @WholeNumber() @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) afterSize?: number;
  @ApiPropertyOptional({ description: 'At most this many checkpoints a log (1000 by default and at most)', minimum: 1, maximum: 1000 })
  @IsOptional() @WholeNumber() @IsInt() @Min(1) @Max(1000) limit?: number;
}

/** GET /audit/exports: one service's log, from and to a position. */
export class ExportQuery {
  @ApiProperty({ enum: VERIFIABLE_SERVICES, description: 'The service whose log is exported' }) @IsIn(VERIFIABLE_SERVICES) service!: VerifiableService;
  @ApiPropertyOptional({ description: 'The first position exported (the log\'s first by default); not past the log\'s newest event (422, rule past-head)' }) @IsOptional() @WholeNumber() @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) fromPosition?: number;
  @ApiPropertyOptional({ description: 'The last position exported (the head by default); not before fromPosition (400, rule from-after-to); a range that holds no event of the log answers 422, rule empty-range' })
  @IsOptional() @WholeNumber() @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) @RunsForwards('fromPosition', (v) => (typeof v === 'number' ? v : undefined)) toPosition?: number;
}

export class ProofParams {
  @IsIn(VERIFIABLE_SERVICES) service!: VerifiableService;
  @WholeNumber() @IsInt() @Min(1) @Max(Number.MAX_SAFE_INTEGER) position!: number;
}
