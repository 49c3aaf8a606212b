import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { COURSE_KINDS, COURSE_OUTCOMES, CourseKind, CourseOutcome } from '@register/contracts';
import { CommandRequest, CreateRequest, IsCalendarDate, IsRegisterId, IsRegisterName, OneOf, PagedHistoryQuery, PagedQuery, VISIBLE_TEXT, WholeNumber } from '@register/service-kit';

/** How many members one enrolment, attendance or completion may name (the gateway checks memberIds the same way). */
export const MAX_PARTICIPANTS = 500;

export class TopicDto {
  @ApiProperty({ example: 'Kỹ năng tổ chức sinh hoạt chi đoàn' })
  @IsRegisterName()
  title!: string;
}

export class ScheduleCourseRequest extends CreateRequest {
  @ApiProperty({ description: 'The unit that organises the course (a district or commune union)' })
  @IsRegisterId()
  organiserUnitId!: string;

  @ApiProperty({ example: 'Lớp bồi dưỡng bí thư chi đoàn năm 2024' })
  @IsRegisterName()
  title!: string;

  @OneOf(COURSE_KINDS)
  kind!: CourseKind;

  @ApiProperty({ type: [TopicDto], description: 'What the course teaches (chuyên đề): at least one' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => TopicDto)
  topics!: TopicDto[];

  @ApiProperty({ example: '2024-04-10' })
  @IsCalendarDate()
  startsOn!: string;

  @ApiProperty({ example: '2024-04-12', description: 'On or after startsOn' })
  @IsCalendarDate()
  endsOn!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsRegisterName()
  location?: string;

  @ApiPropertyOptional({ example: 'Trung tâm chính trị huyện Quế Phong' })
  @IsOptional()
  @IsRegisterName()
  partner?: string;
}

/**
 * Items of a list that name a member (results, awards) name each member once: two outcomes for one
 * participant would leave the last standing and lose the other's certificate without a word.
 * An item without a member id is left to the item's own rules, not counted as a repeat.
 */
export function EachMemberOnce() {
  const memberOf = (item: unknown) => {
    const id = (item as { memberId?: unknown } | null)?.memberId;
    return typeof id === 'string' ? id : Symbol('no member');
  };
  return ArrayUnique(memberOf, { message: ({ property }) => `${property} must name each member once` });
}

/** A list of distinct member ids, at most MAX_PARTICIPANTS. */
function MemberIds(min = 0) {
  return applyDecorators(ApiProperty({ type: [String], maxItems: MAX_PARTICIPANTS }), IsArray(), ArrayMinSize(min), ArrayMaxSize(MAX_PARTICIPANTS), ArrayUnique(), IsRegisterId({ each: true }));
}

export class EnrolRequest extends CommandRequest {
  @MemberIds(1)
  memberIds!: string[];
}

export class AttendanceRequest extends CommandRequest {
  @ApiProperty({ example: '2024-04-11', description: 'One of the course days' })
  @IsCalendarDate()
  on!: string;

  @MemberIds()
  presentMemberIds!: string[];
}

export class ResultDto {
  @ApiProperty()
  @IsRegisterId()
  memberId!: string;

  @OneOf(COURSE_OUTCOMES)
  outcome!: CourseOutcome;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(VISIBLE_TEXT, { message: 'certificateNo, when given, must hold a character a reader sees, not only blanks or invisible characters' })
  certificateNo?: string;
}

export class CompletionRequest extends CommandRequest {
  @ApiProperty({ type: [ResultDto], maxItems: MAX_PARTICIPANTS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_PARTICIPANTS)
  @EachMemberOnce()
  @ValidateNested({ each: true })
  @Type(() => ResultDto)
  results!: ResultDto[];
}

export class CancellationRequest extends CommandRequest {}

export class CourseListQuery extends PagedHistoryQuery {
  @ApiPropertyOptional({ description: "The organising unit's subtree" })
  @IsOptional()
  @IsRegisterId()
  organiserUnitId?: string;

  @ApiPropertyOptional({ example: 2024 })
  @IsOptional()
  @WholeNumber()
  @IsInt()
  @Min(1930)
  @Max(2200)
  year?: number;
}

export class TrainingRecordsQuery extends PagedQuery {
  @ApiProperty({ description: "The member whose courses are listed" })
  @IsRegisterId()
  memberId!: string;
}
