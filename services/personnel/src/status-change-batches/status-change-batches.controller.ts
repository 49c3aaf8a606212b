import { Body, Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CommandContext } from '@register/event-sourcing';
import { assertNoNullFields, BatchEndpoint, Command } from '@register/service-kit';
import { ChangeStatusesHandler } from './change-statuses.handler';
import { ChangeStatusesRequest } from './status-change-batches.dto';

/** Status changes in batches: a yearly review of a branch's members (rà soát đoàn viên), as one request. */
@ApiTags('members')
@Controller('status-change-batches')
export class StatusChangeBatchesController {
  constructor(private readonly changes: ChangeStatusesHandler) {}

  @BatchEndpoint(
    "Many members' status changes in one request (at most 1,000), each decided as POST /members/{id}/status-changes decides it, on the item's effectiveDate (else the batch's, else today), and the ones that stand recorded together. 200 with each item's outcome in order: 201 and the member's id, revision and position, or the problem the single command would have answered (404 unknown member, 422 with its rule); a member named twice is refused the second time (422 member-twice-in-batch). A change to the status the member already has records nothing (201, no event). The same Idempotency-Key again answers the changes recorded the first time (duplicate) and records nothing twice",
  )
  change(@Body() body: ChangeStatusesRequest, @Command() ctx: CommandContext) {
    assertNoNullFields(body);
    return this.changes.handle(body.changes, ctx);
  }
}
