import { OmitType } from '@nestjs/swagger';
import { BatchItems, CommandRequest } from '@register/service-kit';
import { AdmitMemberRequest } from '../members/members.dto';

/** Admissions in one batch at most: a commune's admission decision names tens, rarely hundreds. */
export const MAX_ADMISSIONS_PER_BATCH = 500;

/** One admission of a batch: POST /members's fields and rules, without the why (the batch's decision). */
export class AdmissionItem extends OmitType(AdmitMemberRequest, ['reason', 'decisionRef', 'effectiveDate'] as const) {}

export class AdmitMembersRequest extends CommandRequest {
  @BatchItems(AdmissionItem, MAX_ADMISSIONS_PER_BATCH, 'Each as POST /members takes it; each takes effect on its admittedOn unless effectiveDate is given')
  members!: AdmissionItem[];
}
