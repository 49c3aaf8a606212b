import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsObject, IsOptional, ValidateIf, ValidateNested } from 'class-validator';
import { ApiEitherOf, CommandRequest, IsRegisterId, IsRegisterName, ValidationFailed } from '@register/service-kit';
import { AreaDto } from '../application/area.dto';
import { IsOneTarget } from './one-target';

/** Either an existing branch ({ branchId }) or a new one ({ name, area, parentUnitId? }). */
export class MergerTargetDto {
  @ApiPropertyOptional({ description: 'Absorb into this existing branch (sáp nhập)…' })
  @ValidateIf((o) => o.name === undefined)
  @IsRegisterId()
  branchId?: string;

  @ApiPropertyOptional({ description: '…or combine into a new branch with this name (hợp nhất).' })
  @ValidateIf((o) => o.branchId === undefined)
  @IsRegisterName()
  name?: string;

  @ApiPropertyOptional({ type: AreaDto })
  @ValidateIf((o) => o.branchId === undefined && o.area !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => AreaDto)
  area?: AreaDto;

  @ApiPropertyOptional({ description: 'Parent of the new branch; the first source’s parent when absent.' })
  @ValidateIf((o) => o.branchId === undefined && o.parentUnitId !== undefined)
  @IsRegisterId()
  parentUnitId?: string;

  @ApiPropertyOptional({ description: 'Id of the new branch, when importing.' })
  @ValidateIf((o) => o.branchId === undefined && o.id !== undefined)
  @IsRegisterId()
  id?: string;
}

/** Both, or neither, is 400 with rule `one-of` on `into`. */
const IsOneMergerTarget = () =>
  IsOneTarget('branchId', 'name', ['name', 'area', 'parentUnitId', 'id'], '{ branchId } (an existing branch) or { name, area?, parentUnitId?, id? } (a new one)');

export class BranchMergerRequest extends CommandRequest {
  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsRegisterId({ each: true })
  sourceBranchIds!: string[];

  @ApiProperty({ type: MergerTargetDto, example: { branchId: 'b-12' }, description: 'Either { branchId } or { name, area?, parentUnitId?, id? }: both, or neither, is 400 with rule `one-of`.' })
  @IsObject()
  @IsOneMergerTarget()
  @ValidateNested()
  @Type(() => MergerTargetDto)
  into!: MergerTargetDto;

  @ApiPropertyOptional({ description: 'Answer what would happen, and change nothing.' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}

export class SplitPartDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsRegisterId()
  id?: string;

  @ApiProperty()
  @IsRegisterName()
  name!: string;

  @ApiPropertyOptional({ type: AreaDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AreaDto)
  area?: AreaDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsRegisterId()
  parentUnitId?: string;

  @ApiProperty({ type: [String], description: 'The members who go to this successor.' })
  @IsArray()
  @ArrayMaxSize(5000)
  @IsRegisterId({ each: true })
  memberIds!: string[];
}

/** A split's parts, under either of its words: two to twenty, each a part. */
const AreSplitParts = () => applyDecorators(IsArray(), ArrayMinSize(2), ArrayMaxSize(20), ValidateNested({ each: true }), Type(() => SplitPartDto));

@ApiEitherOf(['sourceBranchId', 'sourceBranchIds'], ['parts', 'into'])
export class BranchSplitRequest extends CommandRequest {
  @ApiProperty({ description: 'The branch split. `sourceBranchIds` with this one id may stand for it (api.md writes a reorganisation so); not both' })
  // null is no value (IsOptional passes it): the other word is then required, not skipped (a null `into` was a 500).
  @ValidateIf((o: BranchSplitRequest) => o.sourceBranchIds == null)
  @IsRegisterId()
  sourceBranchId?: string;

  @ApiPropertyOptional({ type: [String], description: "api.md's form of `sourceBranchId`: a list of the one branch split" })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1)
  @IsRegisterId({ each: true })
  sourceBranchIds?: string[];

  @ApiProperty({ type: [SplitPartDto], description: 'The successors, two or more, each with the members it takes. `into` may stand for it (api.md); not both' })
  @ValidateIf((o: BranchSplitRequest) => o.into == null)
  @AreSplitParts()
  parts?: SplitPartDto[];

  @ApiPropertyOptional({ type: [SplitPartDto], description: "api.md's word for `parts`: the successors a split goes into, two or more" })
  @IsOptional()
  @AreSplitParts()
  into?: SplitPartDto[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}

/** The split as one shape: the source and the parts, whichever words the request used; both words for one thing is 400 `one-of`. */
export function splitOf(body: BranchSplitRequest): { sourceBranchId: string; parts: SplitPartDto[] } {
  const errors = [
    ...(body.sourceBranchId != null && body.sourceBranchIds != null ? [{ field: 'sourceBranchIds', rule: 'one-of', message: 'give sourceBranchId or sourceBranchIds, not both' }] : []),
    ...(body.parts != null && body.into != null ? [{ field: 'into', rule: 'one-of', message: 'give parts or into, not both' }] : []),
  ];
  if (errors.length) throw new ValidationFailed(errors);
  return { sourceBranchId: (body.sourceBranchId ?? body.sourceBranchIds?.[0])!, parts: (body.parts ?? body.into)! };
}
