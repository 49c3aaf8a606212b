import { ApiProperty, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, ValidateNested } from 'class-validator';
import { CommandRequest } from '@register/service-kit';
import { AdmitMemberRequest } from '../members/members.dto';

/** Admissions in one batch at most: a commune's admission decision names tens, rarely hundreds. */
export const MAX_ADMISSIONS_PER_BATCH = 500;

/** One admission of a batch: POST /members's fields and rules, without the why (the batch's decision). */
export class AdmissionItem extends OmitType(AdmitMemberRequest, ['reason', 'decisionRef', 'effectiveDate'] as const) {}

export class AdmitMembersRequest extends CommandRequest {
  @ApiProperty({ type: [AdmissionItem], minItems: 1, maxItems: MAX_ADMISSIONS_PER_BATCH, description: 'Each as POST /members takes it; each takes effect on its admittedOn unless effectiveDate is given' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ADMISSIONS_PER_BATCH)
  @ValidateNested({ each: true })
  @Type(() => AdmissionItem)
  members!: AdmissionItem[];
}
