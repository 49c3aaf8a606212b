import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsObject, IsOptional, ValidateNested } from 'class-validator';
import { AreaDto } from '../application/area.dto';
import { CommandRequest, CreateRequest, IsRegisterId, IsRegisterName, PagedHistoryQuery } from '@register/service-kit';

export class EstablishBranchRequest extends CreateRequest {
  @ApiProperty()
  @IsRegisterId()
  parentUnitId!: string;

  @ApiProperty({ example: 'Chi đoàn thôn Thông Thụ' })
  @IsRegisterName()
  name!: string;

  @ApiPropertyOptional({ type: AreaDto, description: 'The residential area of a residential branch.' })
  @IsOptional()
  @IsObject()
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
  @IsObject()
  @ValidateNested()
  @Type(() => AreaDto)
  area?: AreaDto;
}

export class DissolveBranchRequest extends CommandRequest {}

const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** Query of the branch directory (GET /branches). */
export class BranchDirectoryQuery extends PagedHistoryQuery {
  @ApiPropertyOptional({ description: 'Every branch in this unit\'s subtree' })
  @IsOptional()
  @IsRegisterId()
  parentUnitId?: string;

  @ApiPropertyOptional({ description: 'Name or area name, with or without Vietnamese diacritics ("thong thu" finds "Thông Thụ")' })
  @IsOptional()
  @IsRegisterName(100, { search: true })
  q?: string;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  hasSecretary?: boolean;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  hasMembers?: boolean;

  @ApiPropertyOptional({ enum: ['active', 'merged', 'split', 'dissolved', 'any'], default: 'active' })
  @IsOptional()
  @IsIn(['active', 'merged', 'split', 'dissolved', 'any'])
  status?: 'active' | 'merged' | 'split' | 'dissolved' | 'any';
}
