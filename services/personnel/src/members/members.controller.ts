import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CommandContext, NotFoundError, RuleViolation } from '@register/event-sourcing';
import { AsOf, asOfDay, Command, CSV_CONTENT_TYPE, csvAnswer, listAnswer, newEntityId, PagedQuery, ParseIdPipe, ReadModelOrHistoryQuery, ReadModelQuery, RegisterRequest, SealedCursors, sealedPages, ValidationFailed, wantsCsv } from '@register/service-kit';
import { BranchReplica } from '../application/branch-replica';
import { PersonnelService } from '../application/personnel.service';
import { PERSONNEL_READ_LOG } from '../application/tokens';
import { Member } from '../domain/member';
import { OfficerPostsReads } from '../officers/officer-posts.read-model';
import { PersonalDataReadLog, withPurposesErased } from '../personal-data/read-log';
import { PURPOSE_HEADER, purposeOf } from '../personal-data/purpose';
import { admissionCommand, AdmitMemberHandler } from './admit-member.handler';
import { ChangeStatusHandler } from './change-status.handler';
import { ErasePersonalDataHandler } from './erase-personal-data.handler';
import { CorrectPersonalDataHandler } from './correct-personal-data.handler';
import { MemberDirectoryReads, memberListView } from './member-directory.read-model';
import { MemberListAsOf, pageOf } from './member-list-as-of';
import { partyIntroductionDecider } from './party-introduction';
import { affiliationDecider } from './residential-affiliation';
import { TransferMemberHandler } from './transfer-member.handler';
import { AdmitMemberRequest, CorrectPersonalDataRequest, EraseRequest, MemberDirectoryQuery, PartyIntroductionRequest, PartyOutcomeRequest, ResidentialAffiliationRequest, StatusChangeRequest, TransferRequest } from './members.dto';

type Reply = { header(name: string, value: string): unknown };

/** The member list as CSV (Accept: text/csv). */
const MEMBER_CSV_COLUMNS = ['id', 'fullName', 'dateOfBirth', 'gender', 'branchId', 'status', 'admittedOn'];
const READ_LOG_CSV_COLUMNS = ['readAt', 'actor', 'purpose', 'endpoint', 'othersRead'];

/** One member's history and career as CSV (Accept: text/csv): the rows of the JSON answer, data as JSON in one column. */
const HISTORY_CSV_COLUMNS = ['type', 'revision', 'position', 'effectiveDate', 'recordedAt', 'actor', 'onBehalfOf', 'reason', 'decision', 'data'];
const CAREER_CSV_COLUMNS = ['branchId', 'role', 'method', 'source', 'startsOn', 'endsOn', 'cause', 'termEndsOn', 'congressDeadline'];

export const memberView = (m: Member) => ({
  id: m.memberId,
  branchId: m.branchId,
  status: m.status,
  fullName: m.personal?.fullName ?? null,
  dateOfBirth: m.personal?.dateOfBirth ?? null,
  gender: m.personal?.gender ?? null,
  ethnicity: m.personal?.ethnicity ?? null,
  phone: m.personal?.phone ?? null,
  nationalId: m.personal?.nationalId ?? null,
  personalDataErased: m.erased || m.personal === null,
  admittedOn: m.admittedOn,
  stayUntil: m.stayUntil,
  residentialBranchId: m.residentialBranchId,
  party: m.party,
  branches: m.branches,
  version: m.version,
});

/** Members (đoàn viên): admission, the directory, transfers and status changes. */
@ApiTags('members')
@Controller('members')
export class MembersController {
  constructor(
    private readonly personnel: PersonnelService,
    private readonly erasures: ErasePersonalDataHandler,
    private readonly corrections: CorrectPersonalDataHandler,
    private readonly admissions: AdmitMemberHandler,
    private readonly transfers: TransferMemberHandler,
    private readonly directory: MemberDirectoryReads,
    private readonly listAsOf: MemberListAsOf,
    private readonly replica: BranchReplica,
    private readonly posts: OfficerPostsReads,
    @Inject(PERSONNEL_READ_LOG) private readonly reads: PersonalDataReadLog,
    private readonly cursors: SealedCursors,
    private readonly statusChanges: ChangeStatusHandler,
  ) {}

  /** Logs that the caller was shown these members' personal data, for the purpose read (purposeOf) before the data. */
  private logRead(req: RegisterRequest, purpose: string | null, endpoint: string, memberIds: string[]) {
    return this.reads.record({ actor: req.actor?.id ?? 'anonymous', purpose, endpoint, memberIds });
  }

  @Post()
  @ApiOperation({ summary: 'Admit a member: aged 16 to 30 on admittedOn, into an active branch; 409 possible-duplicate if the branch has a member of the same name and date of birth (namesake: true admits a different person); 422 introducer-unknown, introducer-not-a-member for an introducerId that names no member of the union on admittedOn; branch-not-yet-formed for a branch a merger or split formed after admittedOn' })
  async admit(@Body() body: AdmitMemberRequest, @Command() ctx: CommandContext) {
    const memberId = newEntityId(ctx, body.id);
    await this.personnel.heardOf([body.branchId]);
    const command = admissionCommand(body, memberId, this.personnel.branchJoinedOn(body.branchId, body.admittedOn), ctx, this.personnel.today());
    return this.admissions.handle(command, body.namesake === true, ctx);
  }

  @Get()
  @ApiOperation({
    summary: "The member directory: q (with or without diacritics), branchId or unitId (the unit's subtree), status; paged; today from the read model (minPosition waits for it), asOf folded from the log",
    description:
      'Every status is listed unless `status` is given: members who left or came of age stay in their last branch, and those of a dissolved branch stay there `unassigned` until they are transferred. ' +
      "The unit summary's `members.total` counts only members in an open branch who have not left or come of age: compare it with this list filtered by status.",
  })
  @ApiHeader(PURPOSE_HEADER)
  async list(@Query() query: MemberDirectoryQuery, @Req() req: RegisterRequest, @Res({ passthrough: true }) reply: Reply) {
    const purpose = purposeOf(req.headers);
    const asOf = this.personnel.asOf(query);
    const request = { ...query, branchIds: this.subtree(query, asOf), branchIdsToday: asOf && query.unitId !== undefined ? this.replica.branchesUnder(query.unitId, { kind: 'date', date: this.personnel.today() }) : undefined };
    // asOf folds the log once; a CSV's pages are cut from that fold.
    const then = asOf ? this.listAsOf.matching(request, asOf) : undefined;
    // The cursor names the last member's sort name: sealed for the URL (SealedCursors).
    const page = sealedPages(this.cursors, async (limit: number, cursor: string | undefined) => {
      const found = then ? pageOf(await then, { limit, cursor }) : await this.directory.list({ ...request, limit, cursor });
      // Each page's readers logged as it is served (a CSV page by page).
      await this.logRead(req, purpose, 'GET /members', found.items.filter((m) => m.fullName !== null).map((m) => m._id));
      return found;
    });
    return listAnswer({ accept: req.headers.accept, limit: query.limit, cursor: query.cursor }, reply, page, MEMBER_CSV_COLUMNS, memberListView);
  }

  /** The branches of `unitId`'s subtree then (undefined without unitId); branchId and unitId together are refused. */
  private subtree(query: MemberDirectoryQuery, asOf: AsOf | undefined): string[] | undefined {
    // A branch the register has never named is 404, as a unit is (not an empty list).
    if (query.branchId !== undefined && this.personnel.branchStatus(query.branchId) === 'unknown') throw new NotFoundError('branch', query.branchId);
    // A branch not yet standing on the axes asked is 404, as its own read is (an empty list said it stood, with nobody).
    if (query.branchId !== undefined && asOf && !this.replica.branchStoodBy(query.branchId, asOf)) {
      throw new NotFoundError('branch', query.branchId, `branch ${query.branchId} did not stand on ${asOfDay(asOf, this.personnel.today())}, as the register knew it then: ask a later day (GET /branches/${query.branchId} says when it was established)`);
    }
    if (query.unitId === undefined) return undefined;
    if (query.branchId !== undefined) {
      const message = 'branchId and unitId cannot be given together: one branch, or a unit\'s subtree';
      throw new ValidationFailed([{ field: 'branchId', rule: 'one-of', message }, { field: 'unitId', rule: 'one-of', message }]);
    }
    if (!this.replica.knowsUnit(query.unitId)) throw new NotFoundError('unit', query.unitId);
    // A unit not yet standing on the axes asked is 404, as its tree and summary are (an empty list said it stood, with nobody).
    const day = asOfDay(asOf, this.personnel.today());
    if (asOf && !this.replica.unitStoodBy(query.unitId, asOf)) {
      throw new NotFoundError('unit', query.unitId, `unit ${query.unitId} did not stand on ${day}, as the register knew it then: ask a later day (GET /units/${query.unitId} says when it was established)`);
    }
    // Today: the subtree as it stands today (a branch's move dated later is pending), as asOf today answers.
    return this.replica.branchesUnder(query.unitId, asOf ?? { kind: 'date', date: this.personnel.today() });
  }

  @Get(':id')
  @ApiHeader(PURPOSE_HEADER)
  async get(@Param('id', ParseIdPipe) id: string, @Query() query: ReadModelOrHistoryQuery, @Res({ passthrough: true }) reply: Reply, @Req() req: RegisterRequest) {
    const purpose = purposeOf(req.headers);
    const when = this.personnel.asOf(query);
    const member = when ? (await this.personnel.member(id, when)).member : await this.personnel.memberToday(id);
    if (member.personal) await this.logRead(req, purpose, 'GET /members/{id}', [id]);
    reply.header('etag', `"${member.version}"`);
    return memberView(member);
  }

  @ApiProduces('application/json', CSV_CONTENT_TYPE)
  @Get(':id/history')
  @ApiOperation({ summary: 'Every change to the member, oldest first, with actor, reason, decision, effective and recorded times' })
  @ApiHeader(PURPOSE_HEADER)
  async history(@Param('id', ParseIdPipe) id: string, @Query() _query: ReadModelQuery, @Req() req: RegisterRequest, @Res({ passthrough: true }) reply: Reply) {
    const purpose = purposeOf(req.headers);
    const { member, events } = await this.personnel.member(id);
    if (member.personal) await this.logRead(req, purpose, 'GET /members/{id}/history', [id]);
    const answer = {
      items: events.map((e) => ({
        type: e.type,
        revision: e.revision,
        position: e.position,
        data: e.data,
        actor: e.metadata.actor,
        onBehalfOf: e.metadata.onBehalfOf ?? null,
        reason: e.metadata.reason,
        decision: e.metadata.decision ?? null,
        effectiveDate: e.metadata.effectiveDate,
        recordedAt: e.recordedAt,
      })),
    };
    return wantsCsv(req.headers.accept) ? csvAnswer(reply, HISTORY_CSV_COLUMNS, answer.items) : answer;
  }

  @Get(':id/personal-data-reads')
  @ApiOperation({ summary: "Who read this member's personal data, when, through what and for what purpose (newest first)" })
  async personalDataReads(@Param('id', ParseIdPipe) id: string, @Query() query: PagedQuery, @Req() req: RegisterRequest, @Res({ passthrough: true }) reply: Reply) {
    const { member } = await this.personnel.member(id);
    const reads = async (limit: number, cursor?: string) => {
      const page = await this.reads.readsOf(id, limit, cursor);
      return member.erased ? withPurposesErased(page) : page;
    };
    return listAnswer({ accept: req.headers.accept, limit: query.limit, cursor: query.cursor }, reply, reads, READ_LOG_CSV_COLUMNS);
  }

  @ApiProduces('application/json', CSV_CONTENT_TYPE)
  @Get(':id/career')
  @ApiOperation({ summary: "A member's career as an officer: every post, branch, source and dates, oldest first; from the read model (minPosition waits for it)" })
  async career(@Param('id', ParseIdPipe) id: string, @Query() query: ReadModelQuery, @Req() req: RegisterRequest, @Res({ passthrough: true }) reply: Reply) {
    await this.personnel.member(id);
    const posts = await this.posts.career(id, query.minPosition);
    return wantsCsv(req.headers.accept) ? csvAnswer(reply, CAREER_CSV_COLUMNS, posts) : { memberId: id, posts };
  }

  @Post(':id/personal-data-corrections')
  @ApiOperation({
    summary: "Correct a member's personal data (a misspelt name, a wrong birth date): the fields given replace those held, sealed with the member's key as at admission",
    description:
      'At least one of fullName, dateOfBirth, gender, ethnicity, phone, nationalId (422 `nothing-to-correct`). Refusals: 422 `personal-data-erased` (erased on request: nothing to correct), `admission-age` (a birth date that puts the admission outside 16 to 30), `personal-data-incomplete` (a member holding no data gives fullName, dateOfBirth and gender); 409 `national-id-taken`. ' +
      'The same values again record nothing (201, position 0). The history keeps the correction with who made it and why; reads of every day (`asOf` too) show the corrected data, and `knownAt` an instant before it the data held then; its `effectiveDate` is kept in the history, not used to date the data.',
  })
  correct(@Param('id', ParseIdPipe) id: string, @Body() body: CorrectPersonalDataRequest, @Command() ctx: CommandContext) {
    const { fullName, dateOfBirth, gender, ethnicity, phone, nationalId } = body;
    const changes = Object.fromEntries(Object.entries({ fullName, dateOfBirth, gender, ethnicity, phone, nationalId }).filter(([, v]) => v !== undefined));
    // null clears an optional field (phone, ethnicity, national id); a name, birth date and gender are corrected, never cleared.
    const cleared = (['fullName', 'dateOfBirth', 'gender'] as const).filter((k) => body[k] === null);
    if (cleared.length) throw new ValidationFailed(cleared.map((field) => ({ field, rule: 'not-null', message: `${field} cannot be cleared: give the corrected value, or leave it out` })));
    // Well formed, and nothing asked: a rule of the command (422), as the document's schema cannot say "one of these".
    if (!Object.keys(changes).length) throw new RuleViolation('nothing-to-correct', 'give at least one of fullName, dateOfBirth, gender, ethnicity, phone, nationalId');
    return this.corrections.handle(id, changes, ctx);
  }

  @Post(':id/personal-data-erasure')
  @ApiOperation({
    summary: "Erase a member's personal data on request (crypto-shredding): the history stays, the name, birth date and contacts become unreadable",
    description:
      'The free text of every event about the member (reasons, decision numbers and issuers), the erasure\'s own included, is sealed with the same key and reads "[erased]" after; so does the free text of commands about the member recorded after the erasure, and the purposes declared for reads of their data (`/members/{id}/personal-data-reads`). ' +
      'Actors, dates and ids stay. The erasure reaches the free text the other services keep about the member: evaluation\'s (reasons and decisions of their ratings, commendations and support visits, a commendation\'s title and award, a visit\'s gift) and training\'s (reasons of their mentor assignments, and of the enrolments, attendance, results, cancellations, entries and awards that name them, with others or alone), which read "[erased]" once those services have heard of it (a `MemberFreeTextErased` or `MemberTrainingTextErased` event in their logs). Text about a branch, a course\'s or competition\'s title and an award\'s name are not about the member and stay. ' +
      'Refusals: 422 `erasure-dated-later` (it takes effect when recorded: effectiveDate is today or earlier), `effective-before-admission`. Erasing again records nothing.',
  })
  erase(@Param('id', ParseIdPipe) id: string, @Body() _body: EraseRequest, @Command() ctx: CommandContext) {
    return this.erasures.handle(id, ctx);
  }

  @Post(':id/party-introductions')
  @ApiOperation({ summary: 'Introduce an outstanding member to the Party (giới thiệu đoàn viên ưu tú cho Đảng) on effectiveDate; 422 introduction-before-admission, introduction-before-last-outcome for a date before the outcome of their last introduction, or day-not-come for an effectiveDate after today' })
  introduce(@Param('id', ParseIdPipe) id: string, @Body() _body: PartyIntroductionRequest, @Command() ctx: CommandContext) {
    const on = ctx.effectiveDate ?? this.personnel.today();
    return this.personnel.onMember(partyIntroductionDecider, { type: 'IntroduceToParty', memberId: id, on, today: this.personnel.today() }, { ...ctx, effectiveDate: on });
  }

  @Post(':id/party-introduction-outcomes')
  @ApiOperation({ summary: 'Record whether the Party admitted the introduced member (422 no-open-introduction, outcome-before-introduction, or day-not-come for an effectiveDate after today)' })
  partyOutcome(@Param('id', ParseIdPipe) id: string, @Body() body: PartyOutcomeRequest, @Command() ctx: CommandContext) {
    const on = ctx.effectiveDate ?? this.personnel.today();
    return this.personnel.onMember(partyIntroductionDecider, { type: 'RecordPartyOutcome', memberId: id, outcome: body.outcome, on, today: this.personnel.today() }, { ...ctx, effectiveDate: on });
  }

  @Post(':id/residential-affiliations')
  @ApiOperation({ summary: 'Set (or end, with null) the branch where the member lives and also takes part; 422 dated-before-last-affiliation for a date before the last change of it' })
  async affiliate(@Param('id', ParseIdPipe) id: string, @Body() body: ResidentialAffiliationRequest, @Command() ctx: CommandContext) {
    const on = ctx.effectiveDate ?? this.personnel.today();
    await this.personnel.heardOf([body.branchId]);
    const branchStatus = body.branchId === null ? ('active' as const) : this.personnel.branchStatus(body.branchId, on);
    return this.personnel.onMember(affiliationDecider, { type: 'SetResidentialAffiliation', memberId: id, branchId: body.branchId, branchStatus, on }, { ...ctx, effectiveDate: on });
  }

  @Post(':id/transfers')
  @ApiOperation({ summary: 'Move a member to another branch (chuyển sinh hoạt) on effectiveDate; 422 branch-not-yet-formed into a branch a merger or split formed after that day, member-holds-post while they hold a post in their branch or one they were sent to lead, dated-before-last-transfer for a date before their last transfer of their own (the moves of mergers or splits after it are taken back: MemberMoveTakenBack)' })
  transfer(@Param('id', ParseIdPipe) id: string, @Body() body: TransferRequest, @Command() ctx: CommandContext) {
    return this.transfers.handle({ memberId: id, toBranchId: body.toBranchId, transferredOn: ctx.effectiveDate ?? this.personnel.today(), duesSettledUpTo: body.duesSettledUpTo }, ctx);
  }

  @Post(':id/status-changes')
  @ApiOperation({ summary: 'Mark away (work, study), back (active), came-of-age, stay-on (to 35), left, on effectiveDate; 422 member-holds-post for leaving, going away or coming of age while they hold a post in their branch on that day or later (their departure comes first), dated-before-last-status-change for a date before their present status took effect, dated-before-last-transfer for leaving or coming of age before their last transfer of their own (the moves of mergers or splits after it are taken back: MemberMoveTakenBack)' })
  async changeStatus(@Param('id', ParseIdPipe) id: string, @Body() body: StatusChangeRequest, @Command() ctx: CommandContext) {
    return this.statusChanges.handle(id, body.status, ctx);
  }
}
