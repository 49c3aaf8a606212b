import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { CreateRequest, IsCalendarDate, IsRegisterId, IsRegisterName, PagedQuery, WholeNumber } from '@register/service-kit';

export class RecordSupportVisitRequest extends CreateRequest {
  @ApiProperty({ description: 'The officer visited (a member holding a post of a branch that day)' })
  @IsRegisterId()
  memberId!: string;

  @ApiProperty({ example: '2025-01-20' })
  @IsCalendarDate()
  visitedOn!: string;

  @ApiProperty({ description: 'The unit that visited: one above the officer\'s branch' })
  @IsRegisterId()
  byUnitId!: string;

  @ApiPropertyOptional({ example: 'Quà Tết và 500.000 đồng' })
  @IsOptional()
  @IsRegisterName(500)
  gift?: string;
}

export class SupportVisitListQuery extends PagedQuery {
  @ApiPropertyOptional({ description: "Visits to officers of branches in this unit's subtree" })
  @IsOptional()
  @IsRegisterId()
  unitId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @WholeNumber()
  @IsInt()
  @Min(1950)
  @Max(2200)
  year?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsRegisterId()
  memberId?: string;
}
