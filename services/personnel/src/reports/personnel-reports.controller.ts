import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { sortKey } from '@register/text';
import { ApiHeader, ApiOperation, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, ValidateIf } from 'class-validator';
import { NotFoundError } from '@register/event-sourcing';
import { Clock, CSV_CONTENT_TYPE, csvAnswer, CsvColumn, IsCalendarDate, isCalendarDate, IsRegisterId, listAnswer, paginate, PagedQuery, ReadModelQuery, RegisterRequest, SealedCursors, sealedPages, ValidationFailed, wantsCsv } from '@register/service-kit';
import { BranchReplica } from '../application/branch-replica';
import { PERSONNEL_READ_LOG } from '../application/tokens';
import { MemberDirectoryReads } from '../members/member-directory.read-model';
import { OfficerPostsReads } from '../officers/officer-posts.read-model';
import { PersonalDataReadLog } from '../personal-data/read-log';
import { PURPOSE_HEADER, purposeOf } from '../personal-data/purpose';
import { PersonnelReportReads } from './personnel-reports';

type Reply = { header(name: string, value: string): unknown };
/** The vacancies as CSV (Accept: text/csv). */
const VACANCY_CSV_COLUMNS = ['branchId', 'name', 'parentUnitId', 'vacantSince', 'everHadSecretary'];
const OVERDUE_CSV_COLUMNS = ['branchId', 'memberId', 'role', 'method', 'source', 'startsOn', 'congressDeadline'];
const AWAY_CSV_COLUMNS = ['id', 'branchId', 'status', 'fullName'];
const UNASSIGNED_CSV_COLUMNS = ['id', 'lastBranchId', 'fullName'];

/**
 * A report's rows as api.md's lists: `{ items, nextCursor }` for `limit` and `cursor`, CSV for
 * `Accept: text/csv`. The rows are few (a district's vacancies, a branch's members away) and read
 * whole; they are paged in the order of `keyOf`, which the cursor names, sealed (a member's id or a
 * day is no one's business in a URL, and a cursor the API did not give is refused).
 */
function reportList<T>(cursors: SealedCursors, req: RegisterRequest, query: PagedQuery, reply: Reply, rows: T[], keyOf: (row: T) => string, columns: CsvColumn<T>[]) {
  const sorted = [...rows].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  return listAnswer({ accept: req.headers.accept, limit: query.limit, cursor: query.cursor }, reply, sealedPages(cursors, async (limit, cursor) => paginate(sorted, keyOf, limit, cursor)), columns);
}

/** Members listed by branch, then in the alphabet's order (docs/names.md), then id: as a branch's list reads (they came by member id). */
const byBranchAndName = (branchId: string, fullName: string | null, id: string) => `${branchId}\u0000${sortKey(fullName ?? '')}\u0000${id}`;

const dateParam = (value: string | undefined, field: string, today: string) => {
  if (value === undefined) return today;
  // Given empty (a script's unset variable), refused as every read's asOf is, rather than read as today.
  if (value === '') throw new ValidationFailed([{ field, rule: 'not-empty', message: `${field} is given empty: leave it out to read as of today, or give a date` }]);
  if (!isCalendarDate(value)) throw new ValidationFailed([{ field, rule: 'isCalendarDate', message: `${field} must be a real date written YYYY-MM-DD` }]);
  return value;
};

/**
 * The reports that list members by name read one branch's (`branchId`, which the gateway checks
 * against the caller's scope as for GET /members) or, without it, the whole register's, which only
 * central administrators, auditors and unscoped system keys may read.
 */
export class MemberReportQuery extends PagedQuery {
  @ApiPropertyOptional({ description: "One branch's members (within the caller's scope); the whole register's when absent (central administrators, auditors)" })
  @IsOptional()
  @IsRegisterId()
  branchId?: string;
}

/** The overdue report is held against a day (asOf), not an instant: a date or nothing. */
/** A report of one unit's subtree (its branches today), or of the whole register without it. */
export class UnitReportQuery extends PagedQuery {
  @ApiPropertyOptional({ description: "Only the branches in this unit's subtree today (the whole register's without it)" })
  @IsOptional()
  @IsRegisterId()
  unitId?: string;
}

export class UnitCountsQuery extends ReadModelQuery {
  @ApiPropertyOptional({ description: "Only the secretaries of the branches in this unit's subtree today (the whole register's without it)" })
  @IsOptional()
  @IsRegisterId()
  unitId?: string;
}

export class OverdueQuery extends UnitReportQuery {
  @ApiPropertyOptional({ description: 'The day the congress deadlines are held against (YYYY-MM-DD); today when absent; given empty: 400 (rule `not-empty`)' })
  @IsOptional()
  @ValidateIf((q: OverdueQuery) => q.asOf !== '')
  @IsCalendarDate()
  asOf?: string;
}

/**
 * Personnel's reports for districts and provinces: vacancies, overdue interim officers, secretaries
 * by source, members away, unassigned members. Each reads today's read models (`minPosition` waits
 * for them); the open branches come from the branch replica (organisation's events).
 */
@ApiTags('personnel reports')
@Controller('personnel-reports')
export class PersonnelReportsController {
  constructor(
    private readonly members: MemberDirectoryReads,
    private readonly posts: OfficerPostsReads,
    private readonly reports: PersonnelReportReads,
    private readonly replica: BranchReplica,
    @Inject(PERSONNEL_READ_LOG) private readonly reads: PersonalDataReadLog,
    private readonly clock: Clock,
    private readonly cursors: SealedCursors,
  ) {}

  /** The member lists show names: every read of them is logged, as the members' endpoints do. */
  private async logRead(req: RegisterRequest, purpose: string | null, endpoint: string, members: Array<{ _id: string; fullName: string | null }>) {
    const memberIds = members.filter((m) => m.fullName !== null).map((m) => m._id);
    if (memberIds.length === 0) return;
    await this.reads.record({ actor: req.actor?.id ?? 'anonymous', purpose, endpoint, memberIds });
  }

  @Get('vacancies')
  @ApiOperation({ summary: 'Open branches without a secretary, and since when' })
  async vacancies(@Query() query: UnitReportQuery, @Req() req: RegisterRequest, @Res({ passthrough: true }) reply: Reply) {
    const within = this.branchesOf(query.unitId);
    const items = (await this.posts.vacancies(this.replica.active(), query.minPosition)).filter((v) => !within || within.has(v.branchId));
    return reportList(this.cursors, req, query, reply, items, (v) => `${v.vacantSince ?? ''}\u0000${v.branchId}`, VACANCY_CSV_COLUMNS);
  }

  @Get('overdue-interim-officers')
  @ApiOperation({ summary: "Interim officers in post on asOf (today when absent) whose congress deadline passed before it; a past day shows the posts as they stood then, with their end since (endsOn, cause) when they ended later" })
  async overdue(@Query() query: OverdueQuery, @Req() req: RegisterRequest, @Res({ passthrough: true }) reply: Reply) {
    const today = this.clock.today();
    const day = dateParam(query.asOf, 'asOf', today);
    const within = this.branchesOf(query.unitId);
    // A past day: every post as it stood then, in the unit's branches of then (today's report keeps only the posts held now).
    const items =
      day < today
        ? await this.posts.overdueInterimOn(day, query.unitId === undefined ? undefined : this.replica.branchesUnder(query.unitId, { kind: 'date', date: day }), query.minPosition)
        : (await this.reports.overdueInterimOfficers(day, query.minPosition)).filter((p) => !within || within.has(p.branchId));
    return reportList(this.cursors, req, query, reply, items, (p) => `${p.congressDeadline ?? ''}\u0000${p.branchId}\u0000${p.role}\u0000${p.memberId}`, OVERDUE_CSV_COLUMNS);
  }

  @Get('secretaries-by-source')
  @ApiProduces('application/json', CSV_CONTENT_TYPE)
  @ApiOperation({ summary: 'Secretaries in post by source (civil servant, teacher, demobilised soldier, …)' })
  async bySource(@Query() query: UnitCountsQuery, @Req() req: RegisterRequest, @Res({ passthrough: true }) reply: Reply) {
    const within = this.branchesOf(query.unitId);
    const counts = await this.reports.secretariesBySource(this.clock.today(), query.minPosition, within && [...within]);
    if (!wantsCsv(req.headers.accept)) return { counts };
    return csvAnswer(reply, ['source', 'secretaries'], Object.entries(counts).map(([source, secretaries]) => ({ source, secretaries })));
  }

  /** A branch the register has never named is 404, as on GET /members (an empty list said nothing of the typo). */
  private checkBranchKnown(branchId: string | undefined): void {
    if (branchId !== undefined && this.replica.statusOf(branchId) === 'unknown') throw new NotFoundError('branch', branchId);
  }

  /** The branches of a unit's subtree today; undefined for the whole register. A unit the replica does not know is 404. */
  private branchesOf(unitId: string | undefined): Set<string> | undefined {
    if (unitId === undefined) return undefined;
    if (!this.replica.knowsUnit(unitId)) throw new NotFoundError('unit', unitId);
    return new Set(this.replica.branchesUnder(unitId, { kind: 'date', date: this.clock.today() }));
  }

  @Get('members-away')
  @ApiOperation({ summary: "Members away for work or study: one branch's (branchId, within the caller's scope) or the whole register's" })
  @ApiHeader(PURPOSE_HEADER)
  async away(@Query() query: MemberReportQuery, @Req() req: RegisterRequest, @Res({ passthrough: true }) reply: Reply) {
    const purpose = purposeOf(req.headers);
    this.checkBranchKnown(query.branchId);
    const items = await this.members.withStatus(['away-work', 'away-study'], query.minPosition, query.branchId);
    await this.logRead(req, purpose, 'GET /personnel-reports/members-away', items);
    const rows = items.map((m) => ({ id: m._id, branchId: m.branchId, status: m.status, fullName: m.fullName }));
    return reportList(this.cursors, req, query, reply, rows, (m) => byBranchAndName(m.branchId, m.fullName, m.id), AWAY_CSV_COLUMNS);
  }

  @Get('unassigned-members')
  @ApiOperation({ summary: "Members whose branch was dissolved and who wait for a new one: one last branch's (branchId, within the caller's scope) or the whole register's" })
  @ApiHeader(PURPOSE_HEADER)
  async unassigned(@Query() query: MemberReportQuery, @Req() req: RegisterRequest, @Res({ passthrough: true }) reply: Reply) {
    const purpose = purposeOf(req.headers);
    this.checkBranchKnown(query.branchId);
    const items = await this.members.withStatus(['unassigned'], query.minPosition, query.branchId);
    await this.logRead(req, purpose, 'GET /personnel-reports/unassigned-members', items);
    const rows = items.map((m) => ({ id: m._id, lastBranchId: m.branchId, fullName: m.fullName }));
    return reportList(this.cursors, req, query, reply, rows, (m) => byBranchAndName(m.lastBranchId, m.fullName, m.id), UNASSIGNED_CSV_COLUMNS);
  }
}
