import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Min, ValidateIf } from 'class-validator';
import { UNIT_KINDS, UnitKind } from '@register/contracts';
import { CommandRequest, IsRegisterId, IsRegisterName } from '@register/service-kit';

export class EstablishUnitRequest extends CommandRequest {
  @ApiPropertyOptional({ description: 'Give an id only when importing from another system; otherwise the register makes one.' })
  @IsOptional()
  @IsRegisterId()
  id?: string;

  @ApiProperty({ enum: UNIT_KINDS })
  @IsIn(UNIT_KINDS)
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
export class TreeQuery {
  @ApiPropertyOptional({ description: 'A date (YYYY-MM-DD: what was in force that day) or an instant (what had been recorded by then); rebuilt from the log' })
  @IsOptional()
  asOf?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Show dissolved units and closed branches too' })
  @IsOptional()
  includeClosed?: string;

  @ApiPropertyOptional({ description: 'Levels shown below the unit (0–20); counts always cover the whole subtree' })
  @IsOptional()
  depth?: string;

  @ApiPropertyOptional({ description: 'Wait (briefly) until the read model has applied the log up to this position: the `position` a command answered', minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  minPosition?: number;
}
