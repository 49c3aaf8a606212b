import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsInt, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { CommandRequest, CreateRequest, IsCalendarDate, IsRegisterId, IsRegisterName, PagedHistoryQuery, WholeNumber } from '@register/service-kit';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { EachMemberOnce, MAX_PARTICIPANTS } from '../courses/courses.dto';

export class AnnounceCompetitionRequest extends CreateRequest {
  @ApiProperty()
  @IsRegisterId()
  organiserUnitId!: string;

  @ApiProperty({ example: 'Hội thi Bí thư chi đoàn giỏi huyện Quế Phong 2025' })
  @IsRegisterName()
  title!: string;

  @ApiProperty({ example: '2025-03-20' })
  @IsCalendarDate()
  heldOn!: string;
}

export class EntriesRequest extends CommandRequest {
  @ApiProperty({ type: [String], maxItems: MAX_PARTICIPANTS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_PARTICIPANTS)
  @ArrayUnique()
  @IsRegisterId({ each: true })
  memberIds!: string[];
}

export class AwardDto {
  @ApiProperty()
  @IsRegisterId()
  memberId!: string;

  @ApiProperty({ example: 'Giải nhất' })
  @IsRegisterName(100)
  award!: string;
}

export class ResultsRequest extends CommandRequest {
  @ApiProperty({ type: [AwardDto], maxItems: MAX_PARTICIPANTS })
  @IsArray()
  @ArrayMaxSize(MAX_PARTICIPANTS)
  @EachMemberOnce()
  @ValidateNested({ each: true })
  @Type(() => AwardDto)
  awards!: AwardDto[];
}

export class CompetitionListQuery extends PagedHistoryQuery {
  @ApiPropertyOptional({ description: "The organising unit's subtree" })
  @IsOptional()
  @IsRegisterId()
  organiserUnitId?: string;

  @ApiPropertyOptional({ example: 2025 })
  @IsOptional()
  @WholeNumber()
  @IsInt()
  @Min(1930)
  @Max(2200)
  year?: number;
}
