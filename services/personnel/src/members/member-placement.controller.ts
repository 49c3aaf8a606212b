import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { NotFoundError } from '@register/event-sourcing';
import { asOfDay, IsCalendarDate, ParseIdPipe, ReadModelOrHistoryQuery } from '@register/service-kit';
import { PersonnelDirectory } from '../application/personnel-directory';
import { PersonnelService } from '../application/personnel.service';
import { MemberPlacementToday } from './member-placement';

/** The placement's query: asOf and knownAt, and an officer's rating's period (taken when both its days are given). */
export class PlacementQuery extends ReadModelOrHistoryQuery {
  @ApiPropertyOptional({ description: "The first day of a period whose last post's branch places the member (an officer's rating's year); taken with postTo" })
  @IsOptional()
  @IsCalendarDate()
  postFrom?: string;

  @ApiPropertyOptional({ description: 'The last day of that period; taken with postFrom' })
  @IsOptional()
  @IsCalendarDate()
  postTo?: string;
}

/**
 * Where a member belongs now (home branch and status), without any personal data: what the
 * distributed gateway checks a caller's scope against before a member's read or write. Reading
 * GET /members/{id} for it would log a read of the member's personal data for every check,
 * refused requests included. From the write side's view of personnel's log, as the embedded
 * gateway reads it (PersonnelDirectory); the gateway gives callers the same member.read rule as
 * GET /members/{id}, since it tells where the member is.
 */
@ApiTags('members')
@Controller('members')
export class MemberPlacementController {
  constructor(
    private readonly directory: PersonnelDirectory,
    private readonly today: MemberPlacementToday,
    private readonly personnel: PersonnelService,
  ) {}

  @Get(':id/placement')
  @ApiOperation({ summary: "Where a member belongs today (a transfer or status change dated later is not yet in force), or on the day asOf names: home branch and status, no personal data (what the gateway checks a caller's scope against)" })
  async placement(@Param('id', ParseIdPipe) id: string, @Query() query: PlacementQuery) {
    // A member admitted a moment ago is placed once the view has caught up; a view that lags answers what it knows.
    await this.directory.caughtUp(2000).catch(() => undefined);
    // An officer's rating is its post's branch's (postFrom, postTo: its period), else the member's own.
    const post = query.postFrom && query.postTo ? await this.today.postBranch(id, { from: query.postFrom, to: query.postTo }) : undefined;
    const recorded = this.directory.member(id);
    if (post && recorded) return { id, branchId: post, status: recorded.status };
    const when = this.personnel.asOf(query);
    const member = when ? await this.today.placementOn(id, asOfDay(when, this.personnel.today())) : await this.today.placement(id);
    if (!member) throw new NotFoundError('member', id);
    return member;
  }
}
