import { ApiProperty, ApiPropertyOptional, IntersectionType, PartialType, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { Gender, GENDERS, MEMBER_STATUSES, MemberStatus } from '@register/contracts';
import { CommandRequest, CreateRequest, IsCalendarDate, IsRegisterId, IsRegisterName, OneOf, PagedHistoryQuery, VISIBLE_TEXT } from '@register/service-kit';

export class ConsentDto {
  @ApiProperty({ example: '2025-03-20' })
  @IsCalendarDate()
  givenOn!: string;

  @ApiProperty({ example: ['membership-register', 'union-activities'] })
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  @Matches(VISIBLE_TEXT, { each: true, message: 'consent.purposes must each hold a character a reader sees, not only blanks or invisible characters' })
  purposes!: string[];
}

/** POST /members: an admission (kết nạp), confirmed by the decision in `decisionRef`. */
export class AdmitMemberRequest extends CreateRequest {
  @ApiProperty()
  @IsRegisterId()
  branchId!: string;

  @ApiProperty({ example: 'Lò Thị Hương' })
  @IsRegisterName(200, { person: true })
  fullName!: string;

  @ApiProperty({ example: '2004-05-10', description: 'Not after today (422 `day-not-come`, naming the field)' })
  @IsCalendarDate()
  dateOfBirth!: string;

  @OneOf(GENDERS)
  gender!: Gender;

  @ApiPropertyOptional({ example: 'Thái' })
  @IsOptional()
  @IsRegisterName(50)
  ethnicity?: string;

  @ApiPropertyOptional({ example: '0912 345 678' })
  @IsOptional()
  @Matches(/^\+?[0-9][0-9 .-]{5,19}$/, { message: 'phone must be a phone number' })
  phone?: string;

  @ApiPropertyOptional({ description: 'Căn cước công dân: 12 digits (or a 9-digit old card)' })
  @IsOptional()
  @Matches(/^(\d{9}|\d{12})$/, { message: 'nationalId must be 9 or 12 digits' })
  nationalId?: string;

  @ApiProperty({ example: '2025-03-26' })
  @IsCalendarDate()
  admittedOn!: string;

  @ApiPropertyOptional({ type: () => ConsentDto, description: 'Consent to the processing of personal data, and its purposes' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ConsentDto)
  consent?: ConsentDto;

  @ApiPropertyOptional({ description: 'the applicant is a different person with the same name and date of birth as a member of the branch (overrides 409 possible-duplicate)' })
  @IsOptional()
  @IsBoolean()
  namesake?: boolean;

  @ApiPropertyOptional({ description: 'The member who introduced the applicant' })
  @IsOptional()
  @IsRegisterId()
  introducerId?: string;
}

export class EraseRequest extends CommandRequest {}

/** POST /members/{id}/personal-data-corrections: the fields given replace those held (at least one), each as at admission. */
export class CorrectPersonalDataRequest extends IntersectionType(
  CommandRequest,
  PartialType(PickType(AdmitMemberRequest, ['fullName', 'dateOfBirth', 'gender', 'ethnicity', 'phone', 'nationalId'] as const)),
) {}

export class PartyIntroductionRequest extends CommandRequest {}

export class PartyOutcomeRequest extends CommandRequest {
  @ApiProperty({ enum: ['admitted', 'not-admitted'] })
  @IsIn(['admitted', 'not-admitted'])
  outcome!: 'admitted' | 'not-admitted';
}

export class ResidentialAffiliationRequest extends CommandRequest {
  @ApiProperty({ nullable: true, description: 'The branch where the member lives and also takes part; null ends the affiliation' })
  @ValidateIf((_, v) => v !== null)
  @IsRegisterId()
  branchId!: string | null;
}

export class TransferRequest extends CommandRequest {
  @ApiProperty()
  @IsRegisterId()
  toBranchId!: string;

  @ApiPropertyOptional({ description: 'Dues are settled up to this day; when given, at least into the month of the transfer (effectiveDate), else 422 dues-not-settled. Absent, the transfer records that it did not say (null).' })
  @IsOptional()
  @IsCalendarDate()
  duesSettledUpTo?: string;
}

export const STATUS_CHANGES = ['away-work', 'away-study', 'active', 'came-of-age', 'stay-on', 'left'] as const;
export type StatusChange = (typeof STATUS_CHANGES)[number];

export class StatusChangeRequest extends CommandRequest {
  @ApiProperty({ enum: STATUS_CHANGES, description: 'away for work or study; active (back); came-of-age; stay-on (past 30, on request, up to 35); left' })
  @IsIn(STATUS_CHANGES)
  status!: StatusChange;
}

/** GET /members: one branch (branchId) or a unit's whole subtree (unitId), not both; today, or as of a date or instant. */
export class MemberDirectoryQuery extends PagedHistoryQuery {
  @ApiPropertyOptional({ description: 'Part of the name, with or without diacritics ("thuy duong" finds "Nguyễn Thị Thùy Dương")', maxLength: 100 })
  @IsOptional()
  @IsRegisterName(100, { search: true })
  q?: string;

  @ApiPropertyOptional({ description: "One branch's members; not with unitId" })
  @IsOptional()
  @IsRegisterId()
  branchId?: string;

  @ApiPropertyOptional({ description: "The members of every branch in the unit's subtree (as it stood on asOf, with asOf); not with branchId" })
  @IsOptional()
  @IsRegisterId()
  unitId?: string;

  @ApiPropertyOptional({ enum: MEMBER_STATUSES, description: "Only the members of this status (today's, or asOf's)" })
  @IsOptional()
  @IsIn(MEMBER_STATUSES)
  status?: MemberStatus;
}
