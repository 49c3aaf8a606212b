import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, ValidateIf } from 'class-validator';
import { UNIT_KINDS, UnitKind } from '@register/contracts';
import { CommandRequest, CreateRequest, IsRegisterId, IsRegisterName, OneOf, ReadModelOrHistoryQuery } from '@register/service-kit';

export class EstablishUnitRequest extends CreateRequest {
  @OneOf(UNIT_KINDS)
  kind!: UnitKind;

  @ApiProperty({ example: 'Đoàn xã Tiền Phong' })
  @IsRegisterName()
  name!: string;

  @ApiPropertyOptional({ description: 'Absent only for the central committee.' })
  @ValidateIf((o) => o.parentId !== undefined && o.parentId !== null)
  @IsRegisterId()
  parentId?: string | null;
}

export class MoveUnitRequest extends CommandRequest {
  @ApiProperty()
  @IsRegisterId()
  toParentId!: string;
}

export class RenameUnitRequest extends CommandRequest {
  @ApiProperty()
  @IsRegisterName()
  name!: string;
}

export class DissolveUnitRequest extends CommandRequest {}

/** GET /units/{id}/tree: today (minPosition waits for the read model) or as of a date or instant. */
export class TreeQuery extends ReadModelOrHistoryQuery {

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Show dissolved units and closed branches too' })
  @IsOptional()
  includeClosed?: string;

  @ApiPropertyOptional({ description: 'Levels shown below the unit (0–20); counts always cover the whole subtree' })
  @IsOptional()
  depth?: string;
}
