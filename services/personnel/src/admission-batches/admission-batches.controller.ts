import { Body, Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CommandContext } from '@register/event-sourcing';
import { assertNoNullFields, BatchEndpoint, Command } from '@register/service-kit';
import { AdmitMembersRequest } from './admission-batches.dto';
import { AdmitMembersHandler } from './admit-members.handler';

/** Admissions in batches: one admission decision (quyết định kết nạp) for many applicants, as one request. */
@ApiTags('members')
@Controller('admission-batches')
export class AdmissionBatchesController {
  constructor(private readonly admissions: AdmitMembersHandler) {}

  @BatchEndpoint(
    "Many admissions in one request (at most 500), each decided as POST /members decides it and the ones that stand recorded together. 200 with each item's outcome in order: 201 and the member's id, revision and position, or the problem a single POST /members would have answered (422 with its rule, 409 possible-duplicate, also against an earlier item of the batch for the same person unless namesake: true); a member id given twice is refused the second time (422 member-twice-in-batch). The same Idempotency-Key again answers the admissions recorded the first time (duplicate) and admits nobody twice",
  )
  admit(@Body() body: AdmitMembersRequest, @Command() ctx: CommandContext) {
    assertNoNullFields(body);
    return this.admissions.handle(body.members, ctx);
  }
}
