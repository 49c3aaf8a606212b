import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { isCalendarDate, ValidationFailed } from '@register/service-kit';
import { BranchReplica } from '../application/branch-replica';
import { PersonnelDirectory } from '../application/personnel-directory';
import { today } from '../application/personnel.service';
import { overdueInterimOfficers, secretariesBySource, vacancies } from './personnel-reports';

const dateParam = (value: string | undefined, field: string) => {
  if (value === undefined) return today();
  if (!isCalendarDate(value)) throw new ValidationFailed([{ field, rule: 'isCalendarDate', message: `${field} must be a real date written YYYY-MM-DD` }]);
  return value;
};

/** Personnel's read models for districts and provinces: vacancies, overdue interim officers, secretaries by source, members away, unassigned members. */
@ApiTags('personnel reports')
@Controller('personnel-reports')
export class PersonnelReportsController {
  constructor(
    private readonly directory: PersonnelDirectory,
    private readonly replica: BranchReplica,
  ) {}

  @Get('vacancies')
  @ApiOperation({ summary: 'Open branches without a secretary, and since when' })
  vacancies() {
    return { items: vacancies(this.replica.active(), (b) => this.directory.postsOf(b)) };
  }

  @Get('overdue-interim-officers')
  @ApiOperation({ summary: 'Interim officers still in post whose congress deadline passed before asOf (today when absent)' })
  overdue(@Query('asOf') asOf?: string) {
    return { items: overdueInterimOfficers(this.directory.currentPosts(), dateParam(asOf, 'asOf')) };
  }

  @Get('secretaries-by-source')
  @ApiOperation({ summary: 'Secretaries in post by source (civil servant, teacher, demobilised soldier, …)' })
  bySource() {
    return { counts: secretariesBySource(this.directory.currentPosts()) };
  }

  @Get('members-away')
  @ApiOperation({ summary: 'Members away for work or study' })
  away() {
    const items = [...this.directory.search({ status: 'away-work' }), ...this.directory.search({ status: 'away-study' })];
    return { items: items.map((m) => ({ id: m.id, branchId: m.branchId, status: m.status, fullName: m.fullName })) };
  }

  @Get('unassigned-members')
  @ApiOperation({ summary: 'Members whose branch was dissolved and who wait for a new one' })
  unassigned() {
    return { items: this.directory.search({ status: 'unassigned' }).map((m) => ({ id: m.id, lastBranchId: m.branchId, fullName: m.fullName })) };
  }
}
