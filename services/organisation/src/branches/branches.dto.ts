import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { AREA_KINDS, AreaKind } from '@register/contracts';
import { CommandRequest, IsRegisterId, IsRegisterName } from '@register/service-kit';

export class AreaDto {
  @ApiProperty({ enum: AREA_KINDS, description: 'thôn → hamlet, bản → village, tổ dân phố → residential-group …' })
  @IsIn(AREA_KINDS)
  kind!: AreaKind;

  @ApiProperty({ example: 'Thông Thụ' })
  @IsRegisterName()
  name!: string;
}

export class EstablishBranchRequest extends CommandRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @IsRegisterId()
  id?: string;

  @ApiProperty()
  @IsRegisterId()
  parentUnitId!: string;

  @ApiProperty({ example: 'Chi đoàn thôn Thông Thụ' })
  @IsRegisterName()
  name!: string;

  @ApiPropertyOptional({ type: AreaDto, description: 'The residential area of a residential branch.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => AreaDto)
  area?: AreaDto;
}

export class MoveBranchRequest extends CommandRequest {
  @ApiProperty()
  @IsRegisterId()
  toUnitId!: string;
}

export class RenameBranchRequest extends CommandRequest {
  @ApiProperty()
  @IsRegisterName()
  name!: string;

  @ApiPropertyOptional({ type: AreaDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AreaDto)
  area?: AreaDto;
}

export class DissolveBranchRequest extends CommandRequest {}

const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** Query of the branch directory (GET /branches). */
export class BranchDirectoryQuery {
  @IsOptional()
  @IsRegisterId()
  parentUnitId?: string;

  @IsOptional()
  @IsRegisterName(100)
  q?: string;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  hasSecretary?: boolean;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  hasMembers?: boolean;

  @IsOptional()
  @IsIn(['active', 'merged', 'split', 'dissolved', 'any'])
  status?: 'active' | 'merged' | 'split' | 'dissolved' | 'any';

  @IsOptional()
  asOf?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @IsOptional()
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  minPosition?: number;
}

/** A read of today's read model (`minPosition`: wait until it has caught up with a command's position) or of history (`asOf`). */
export class ReadModelQuery {
  @IsOptional()
  asOf?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  minPosition?: number;
}
