import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext } from '@register/event-sourcing';
import { Command, parseAsOf, ParseIdPipe } from '@register/service-kit';
import { PersonnelService } from '../application/personnel.service';
import { AppointOfficerRequest, DepartOfficerRequest } from './officers.dto';

type Reply = { header(name: string, value: string): unknown };

/** A branch's officers: the secretary (bí thư) and deputies; appointments, departures, who held a post when. */
@ApiTags('officers')
@Controller('branches/:id')
export class OfficersController {
  constructor(private readonly personnel: PersonnelService) {}

  @Post('officer-appointments')
  @ApiOperation({ summary: 'Appoint or record the election of a secretary or deputy: 409 if the post is taken, 422 if the member is not eligible' })
  appoint(@Param('id', ParseIdPipe) branchId: string, @Body() body: AppointOfficerRequest, @Command() ctx: CommandContext) {
    const { memberId, role, method, source, startsOn, congressDeadline, termEndsOn } = body;
    return this.personnel.appoint(
      { branchId, memberId, role, method, source, startsOn, ...(congressDeadline ? { congressDeadline } : {}), ...(termEndsOn ? { termEndsOn } : {}) },
      ctx,
    );
  }

  @Post('officer-departures')
  @ApiOperation({ summary: 'An officer resigns, is relieved, or ends the term, on endsOn' })
  depart(@Param('id', ParseIdPipe) branchId: string, @Body() body: DepartOfficerRequest, @Command() ctx: CommandContext) {
    const command = { type: 'DepartOfficer' as const, branchId, memberId: body.memberId, endsOn: body.endsOn, cause: body.cause };
    return this.personnel.onOfficers(command, { ...ctx, effectiveDate: ctx.effectiveDate ?? body.endsOn });
  }

  @Get('officers')
  @ApiOperation({ summary: "The branch's officers now, or asOf a date (who held a post that day) or an instant (what was recorded by then)" })
  async officers(@Param('id', ParseIdPipe) branchId: string, @Query('asOf') asOf: string | undefined, @Res({ passthrough: true }) reply: Reply) {
    const { state, posts } = await this.personnel.officers(branchId, parseAsOf(asOf));
    reply.header('etag', `"${state.version}"`);
    return {
      branchId,
      asOf: asOf ?? null,
      hasSecretary: posts.some((p) => p.role === 'secretary'),
      items: posts.map((p) => ({
        memberId: p.memberId,
        role: p.role,
        method: p.method,
        source: p.source,
        startsOn: p.startsOn,
        endsOn: p.endsOn ?? null,
        congressDeadline: p.congressDeadline ?? null,
        termEndsOn: p.termEndsOn ?? null,
      })),
      version: state.version,
    };
  }
}
