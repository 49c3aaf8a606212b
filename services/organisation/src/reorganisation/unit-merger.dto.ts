import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsObject, IsOptional, ValidateIf, ValidateNested } from 'class-validator';
import { UNIT_KINDS, UnitKind } from '@register/contracts';
import { CommandRequest, FieldError, IsRegisterId, IsRegisterName, OneOf } from '@register/service-kit';
import { IsOneTarget } from './one-target';

/** Either an existing unit ({ unitId }) or a new one ({ name, kind, parentId, id? }). */
export class UnitMergerTargetDto {
  @ApiPropertyOptional({ description: 'Absorb into this existing unit of the sources’ kind (sáp nhập)…' })
  @ValidateIf((o) => o.name === undefined)
  @IsRegisterId()
  unitId?: string;

  @ApiPropertyOptional({ description: '…or combine into a new unit with this name (hợp nhất), with kind and parentId.', example: 'Đoàn xã Tiền Phong' })
  @ValidateIf((o) => o.unitId === undefined)
  @IsRegisterName()
  name?: string;

  @ApiPropertyOptional({ enum: UNIT_KINDS, description: 'The new unit’s kind: the sources’ (grassroots or province).' })
  @ValidateIf((o) => o.unitId === undefined)
  @OneOf(UNIT_KINDS)
  kind?: UnitKind;

  @ApiPropertyOptional({ description: 'The new unit’s parent.' })
  @ValidateIf((o) => o.unitId === undefined)
  @IsRegisterId()
  parentId?: string;

  @ApiPropertyOptional({ description: 'Id of the new unit, when importing.' })
  @ValidateIf((o) => o.unitId === undefined && o.id !== undefined)
  @IsRegisterId()
  id?: string;
}

/** Both, or neither, is 400 with rule `one-of` on `into`. */
const IsOneUnitMergerTarget = () =>
  IsOneTarget('unitId', 'name', ['name', 'kind', 'parentId', 'id'], '{ unitId } (an existing unit) or { name, kind, parentId, id? } (a new one)');

/** At most this many units in one merger (libs/auth's TARGET_LIST_LIMITS.sourceUnitIds agrees). */
export const MAX_SOURCE_UNITS = 50;

export class UnitMergerRequest extends CommandRequest {
  @ApiProperty({ type: [String], minItems: 1, maxItems: MAX_SOURCE_UNITS, uniqueItems: true, description: 'The communes, or the provinces, that end; at least two when combining into a new unit.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SOURCE_UNITS)
  @ArrayUnique()
  @IsRegisterId({ each: true })
  sourceUnitIds!: string[];

  @ApiProperty({ type: UnitMergerTargetDto, description: 'Either { unitId } or { name, kind, parentId, id? }: both, or neither, is 400 with rule `one-of`.' })
  @IsObject()
  @IsOneUnitMergerTarget()
  @ValidateNested()
  @Type(() => UnitMergerTargetDto)
  into!: UnitMergerTargetDto;

  @ApiPropertyOptional({ description: 'Answer what would happen, and change nothing.' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}

/** Rules across fields of a well-formed request: a unit merged into itself, or a new unit made of one source. */
export function unitMergerFieldErrors(body: UnitMergerRequest): FieldError[] {
  const errors: FieldError[] = [];
  if (body.into.unitId !== undefined && body.sourceUnitIds.includes(body.into.unitId)) {
    errors.push({ field: 'into.unitId', rule: 'merge-into-itself', message: `into.unitId must not be one of the sourceUnitIds: unit ${body.into.unitId} cannot be merged into itself` });
  }
  if (body.into.unitId === undefined && body.sourceUnitIds.length < 2) {
    errors.push({ field: 'sourceUnitIds', rule: 'merge-needs-two-sources', message: 'sourceUnitIds must name at least two units when combining into a new unit' });
  }
  return errors;
}
