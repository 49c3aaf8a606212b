import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, Max, Min, ValidateBy, ValidateIf } from 'class-validator';
import { VERIFIABLE_SERVICES } from './log-integrities';

type VerifiableService = (typeof VERIFIABLE_SERVICES)[number];

/** POST /audit/verifications: which logs (all by default). */
export class VerificationRequest {
  @ApiPropertyOptional({ enum: VERIFIABLE_SERVICES, isArray: true, description: 'Only these services\' logs; every log by default' })
  @ValidateIf((o: VerificationRequest) => o.services !== undefined) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(4) @IsIn(VERIFIABLE_SERVICES, { each: true }) services?: VerifiableService[];
}

/** GET /audit/checkpoints: one service's or all. */
export class CheckpointsQuery {
  @ApiPropertyOptional({ enum: VERIFIABLE_SERVICES }) @IsOptional() @IsIn(VERIFIABLE_SERVICES) service?: VerifiableService;
}

/**
 * A range of positions runs forwards: toPosition before fromPosition is no range, and answering it
 * with an empty bundle (200) would tell an auditor the log holds nothing there.
 */
const NotBeforeFromPosition = () =>
  ValidateBy({
    name: 'from-after-to',
    validator: {
      validate: (to, args) => {
        const from = (args?.object as { fromPosition?: unknown } | undefined)?.fromPosition;
        return typeof from !== 'number' || typeof to !== 'number' || from <= to;
      },
      defaultMessage: (args) => `toPosition (${args?.value}) must not be before fromPosition (${(args?.object as { fromPosition?: unknown }).fromPosition})`,
    },
  });

/** GET /audit/exports: one service's log, from and to a position. */
export class ExportQuery {
  @ApiProperty({ enum: VERIFIABLE_SERVICES, description: 'The service whose log is exported' }) @IsIn(VERIFIABLE_SERVICES) service!: VerifiableService;
  @ApiPropertyOptional({ description: 'The first position exported (the log\'s first by default)' }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) fromPosition?: number;
  @ApiPropertyOptional({ description: 'The last position exported (the head by default); not before fromPosition (400, rule from-after-to)' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) @NotBeforeFromPosition() toPosition?: number;
}

export class ProofParams {
  @IsIn(VERIFIABLE_SERVICES) service!: VerifiableService;
  @Type(() => Number) @IsInt() @Min(1) @Max(Number.MAX_SAFE_INTEGER) position!: number;
}
