import { createHash, randomUUID } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { answerOfRecord, checkDecisionIssued, CommandContext, CommandRecord, ConflictError, EventStore, NotFoundError, RuleViolation } from '@register/event-sourcing';
import { ReadModelBehind } from '@register/read-models';
import { FieldError, newEntityId, ValidationFailed } from '@register/service-kit';
import { namesakeKey } from '@register/text';
import { BranchReplica } from '../application/branch-replica';
import { FirstNamesakes } from '../application/namesake-index';
import { PersonnelDirectory } from '../application/personnel-directory';
import { PersonnelService } from '../application/personnel.service';
import { PERSONNEL_IMPORT_RECORDS, PERSONNEL_STORE } from '../application/tokens';
import { memberAggregate } from '../domain/member';
import { AdmitMember, decideAdmission } from '../members/admit-member';
import { admissionCommand, AdmitMemberHandler } from '../members/admit-member.handler';
import { AdmitMemberRequest } from '../members/members.dto';
import { columnsOf, isHeaderRow } from './import-columns';
import { admissionOf, BranchesInScope, refused, RowVerdict } from './import-row';
import { readSheet, SheetRow, SheetsRead, sheetNote } from './spreadsheet';

export type { MemberImport } from './member-import';
import { ImportRecords, rowWithoutNames } from './import-records';
import { MemberImport } from './member-import';
import { ImportProgress, interrupted } from './import-progress';

/** The stream an import started under an Idempotency-Key is recorded with, in the log's commands: its id after this. */
const IMPORT_KEYED = 'member-import:';

/** Rows checked for namesakes in one query. */
const BATCH = 500;
/** Admissions under way at once (each its own member stream). */
const PARALLEL = 8;
/** How many times an import waits for a lagging member directory (each wait the read model's own) before it fails. */
const DIRECTORY_WAITS = 30;
/** Imports kept in memory, names and all, for GET /member-imports/{id} (every import is also kept beside the log, without names). */
const KEPT = 200;

export interface ImportRequest {
  file: Buffer;
  /** Absent: the root, the whole register. */
  unitId?: string;
  dryRun: boolean;
  context: CommandContext;
  /** The file's SHA-256 (hex), when the caller drew it already (an Idempotency-Key's fingerprint names it). */
  fileSha256?: string;
}

/**
 * Bulk admission from a spreadsheet. The file is read and its header checked before anything
 * starts (a bad file is a 4xx and admits nobody); the rows are then admitted in the background,
 * in batches, each through the command path of POST /members (same DTO rules, same decider, the
 * same duplicate check), as the caller, with the caller's reason. Each row's command id is
 * (file's SHA-256, row number): the same file imported again is answered from the first
 * admissions and admits nobody twice. The import's progress is kept in this process's memory with
 * its rows' names, and beside the log without them (ImportProgress): a restart, or another
 * instance, answers it (docs/member-imports.md). An import whose process stopped is answered as
 * failed, interrupted, at the row it had reached.
 */

/** The file's rows seen so far: the first row of each person (FirstNamesakes), and of each national ID number. */
/** A refusal of the header says which sheet was read, when the list may be on another (a probe's instructions came first). */
function withSheetNote<T>(sheets: SheetsRead, read: () => T): T {
  try {
    return read();
  } catch (error) {
    const note = sheetNote(sheets);
    if (!(error instanceof ValidationFailed) || note === '') throw error;
    throw new ValidationFailed(error.errors.map((e) => ({ ...e, message: `${e.message}${note}` })));
  }
}

interface SeenRows {
  people: FirstNamesakes<number>;
  numbers: Map<string, number>;
}
@Injectable()
export class MemberImports implements BeforeApplicationShutdown {
  private readonly imports = new Map<string, MemberImport>();
  private readonly logger = new Logger('MemberImports');
  private readonly progress: ImportProgress;

  constructor(
    private readonly personnel: PersonnelService,
    private readonly admissions: AdmitMemberHandler,
    private readonly replica: BranchReplica,
    private readonly directory: PersonnelDirectory,
    @Inject(PERSONNEL_STORE) private readonly store: EventStore,
    @Inject(PERSONNEL_IMPORT_RECORDS) records: ImportRecords,
  ) {
    this.progress = new ImportProgress(records, this.logger);
  }

  /**
   * An import's progress: this process's, with the rows' names (but of a member erased since), or
   * as kept beside the log, without them.
   */
  async get(id: string): Promise<MemberImport> {
    const found = this.imports.get(id);
    if (!found) return this.progress.kept(id);
    const erased = this.aboutErased(found.rows);
    return found.rows.some(erased) ? { ...found, rows: found.rows.map((r) => (erased(r) ? rowWithoutNames(r) : r)) } : found;
  }

  /**
   * Whether a row names a member whose personal data was erased: the member it admitted or found, the
   * registered member a refused row repeats, the member admitted from the row it repeats, or any row
   * of that member's name (a twin row refused for a typo in its gender showed the name a probe had
   * erased). Such a row is shown as kept beside the log: no name, no quoted cell.
   */
  private aboutErased(rows: RowVerdict[]): (r: RowVerdict) => boolean {
    const byRow = new Map(rows.map((r) => [r.row, r]));
    const erasedId = (id: string | undefined) => id !== undefined && this.directory.isErased(id);
    const names = (r: RowVerdict | undefined): boolean => r !== undefined && ('memberId' in r ? erasedId(r.memberId) : erasedId(r.duplicateOf));
    const erasedNames = new Set(rows.flatMap((r) => (r.fullName && names(r) ? [namesakeKey(r.fullName)] : [])));
    const namedErased = (r: RowVerdict) => erasedNames.size > 0 && r.fullName !== null && erasedNames.has(namesakeKey(r.fullName));
    return (r) => names(r) || (r.verdict === 'refused' && r.sameAsRow !== undefined && names(byRow.get(r.sameAsRow))) || namedErased(r);
  }

  /**
   * The registered members an import's rows name: those it admitted or found admitted, and a dry
   * run's valid rows whose member was admitted since (the real run keeps the dry run's ids).
   */
  membersShown(job: MemberImport): string[] {
    const registered = (r: RowVerdict) => r.verdict === 'admitted' || r.verdict === 'already-admitted' || (r.verdict === 'valid' && this.directory.member(r.memberId) !== undefined);
    // A refused row that repeats a registered member names them, their id and their branch (a probe found it unlogged).
    return job.rows.flatMap((r) => (!r.fullName ? [] : r.verdict !== 'refused' ? (registered(r) ? [r.memberId] : []) : r.duplicateOf ? [r.duplicateOf] : []));
  }

  /**
   * An import sent with an Idempotency-Key: the import first started under it, again (its progress,
   * 202), or 422 idempotency-key-reused for another request under it. A probe found each retry a new
   * import. The key is recorded once the import has started (a request refused leaves it free), in
   * the log's commands as a command's is; two sent at once may both start, and then name the same
   * admissions (by file and row), so nobody is admitted twice.
   */
  async startOnce(asked: ImportRequest, key: { commandId: string; caller: string; fingerprint: string }): Promise<MemberImport> {
    const earlier = await this.store.findCommand({ commandId: key.commandId, caller: key.caller });
    if (earlier) return this.answerOf(earlier, key.fingerprint);
    const job = await this.start(asked);
    const taken = await this.store.recordCommand?.({ ...key, streamId: `${IMPORT_KEYED}${job.id}`, revision: -1, position: 0 });
    return taken ? this.answerOf(taken, key.fingerprint) : job;
  }

  private answerOf(record: CommandRecord, fingerprint: string): Promise<MemberImport> {
    answerOfRecord(record, { actor: record.caller ?? '', reason: '', correlationId: '', fingerprint });
    return this.get(record.streamId.slice(IMPORT_KEYED.length));
  }

  /** Reads the file (4xx when it is no spreadsheet or lacks the header) and starts the import. */
  async start(asked: ImportRequest): Promise<MemberImport> {
    const request = { ...asked, unitId: asked.unitId ?? this.rootUnit() };
    // A decision dated after today refuses the whole import at once, dry run or not, where every row was refused (its dry run said valid).
    checkDecisionIssued(request.context.decision, this.personnel.today());
    if (!this.replica.knowsUnit(request.unitId)) throw new NotFoundError('unit', request.unitId);
    // A unit closed by today admits nobody: its subtree is empty, every row would be refused (a probe's were).
    const closed = this.replica.unitClosedOn(request.unitId);
    if (closed !== null && closed <= this.personnel.today()) {
      throw new RuleViolation('unit-closed', `unit ${request.unitId} was closed on ${closed} (dissolved or merged): import into the unit that took over its branches (GET /units/${request.unitId}/lineage)`, { unitId: request.unitId });
    }
    const { header, rows, hiddenRows, sheet, otherSheets } = await readSheet(request.file, isHeaderRow);
    const columns = withSheetNote({ sheet, otherSheets }, () => columnsOf(header));
    const sha = request.fileSha256 ?? createHash('sha256').update(request.file).digest('hex');
    // The import's id names its unit, so that the gateway authorises its reads by the unit's scope.
    const job: MemberImport = {
      id: `${request.unitId}:${randomUUID().replace(/-/g, '').slice(0, 16)}`,
      unitId: request.unitId,
      dryRun: request.dryRun,
      fileSha256: sha,
      status: 'running',
      total: rows.length,
      processed: 0,
      counts: { valid: 0, admitted: 0, alreadyAdmitted: 0, refused: 0 },
      startedAt: new Date().toISOString(),
      finishedAt: null,
      rowsPerSecond: null,
      failure: null,
      position: null,
      actor: request.context.actor,
      hiddenRows,
      otherSheets,
      rows: [],
    };
    this.keep(job);
    const scope = this.scopeOf(request.unitId);
    void this.run(job, rows, scope, (row) => admissionOf(row, columns, scope, request.context.reason), request.context).catch((error: Error) => {
      this.logger.error(`member import ${job.id} stopped: ${error.message}`);
      if (job.status === 'running') this.fail(job, error.message);
    });
    return job;
  }

  /** Imports this process was running when it stopped are kept as interrupted, at the row they had reached (before the log's connections close). */
  async beforeApplicationShutdown() {
    for (const job of this.imports.values()) if (job.status === 'running') this.fail(job, interrupted(job));
    await this.progress.settled();
  }

  private keep(job: MemberImport) {
    this.imports.set(job.id, job);
    if (this.imports.size > KEPT) this.imports.delete(this.imports.keys().next().value as string);
    this.progress.started(job);
  }

  private fail(job: MemberImport, failure: string) {
    job.status = 'failed';
    job.failure = failure;
    job.finishedAt = new Date().toISOString();
    this.progress.ended(job);
  }

  /** An import that names no unit admits into the whole register. */
  private rootUnit(): string {
    const root = this.replica.rootUnit();
    if (root === undefined) throw new RuleViolation('no-root-unit', 'the register has no central unit yet: establish it (POST /units, kind central), or give unitId', { field: 'unitId' });
    return root;
  }

  private scopeOf(unitId: string): BranchesInScope {
    const ids = new Set(this.replica.branchesUnder(unitId, { kind: 'date', date: this.personnel.today() }));
    const byName = new Map<string, string[]>();
    for (const id of ids) {
      const name = this.replica.get(id)?.name;
      if (name !== undefined) byName.set(namesakeKey(name), [...(byName.get(namesakeKey(name)) ?? []), id]);
    }
    return { unitId, ids, byName };
  }

  private async run(job: MemberImport, rows: SheetRow[], scope: BranchesInScope, check: (row: SheetRow) => Promise<AdmitMemberRequest | RowVerdict>, context: CommandContext) {
    const started = Date.now();
    const seenAt = await this.directoryCaughtUp();
    const seen: SeenRows = { people: new FirstNamesakes<number>(), numbers: new Map() };
    for (let i = 0; i < rows.length; i += BATCH) {
      // The import yields to the requests waiting (its own answer first): validation and an
      // in-memory read store are all promise callbacks, which would otherwise starve the server.
      await setImmediate();
      const batch = rows.slice(i, i + BATCH);
      const checked = await Promise.all(batch.map(check));
      // In row order: of two rows naming the same person, the first is admitted and the second refused.
      const candidates = batch.map((row, k) => this.candidate(job, row, checked[k], seen, context));
      const pending = candidates.filter((c): c is Candidate => !('verdict' in c));
      const namesakes = await this.admissions.namesakesOf(pending.map((c) => c.command), seenAt);
      this.record(job, candidates.filter((c): c is RowVerdict => 'verdict' in c));
      for (let j = 0; j < pending.length; j += PARALLEL) {
        await setImmediate();
        this.record(job, await Promise.all(pending.slice(j, j + PARALLEL).map((c) => this.verdict(job, c, namesakes.get(c.command.memberId) ?? this.namesakeInUnit(c.command, scope)))));
      }
      if (job.status !== 'running') return; // stopped by the service's shutdown: kept as interrupted
      this.progress.save(job);
    }
    job.rows.sort((a, b) => a.row - b.row);
    job.status = 'finished';
    job.finishedAt = new Date().toISOString();
    job.rowsPerSecond = Math.round((rows.length / Math.max(Date.now() - started, 1)) * 1000);
    this.progress.ended(job);
  }

  /**
   * The log's head once the member directory has caught up with it: the members admitted before
   * the import, against whom its rows are checked (its own rows are checked against each other).
   * The import runs in the background, so it waits for a directory that lags (503 to a request) longer.
   */
  private async directoryCaughtUp(): Promise<number> {
    const head = await this.store.headPosition();
    for (let attempt = 1; ; attempt++) {
      try {
        await this.admissions.namesakesOf([], head);
        return head;
      } catch (error) {
        if (!(error instanceof ReadModelBehind) || attempt >= DIRECTORY_WAITS) throw error;
      }
    }
  }

  private record(job: MemberImport, verdicts: RowVerdict[]) {
    for (const v of verdicts) {
      job.rows.push(v);
      job.processed += 1;
      if (v.verdict === 'already-admitted') job.counts.alreadyAdmitted += 1;
      else job.counts[v.verdict] += 1;
    }
  }

  /** A checked row as the admission it asks for, under the import's own command id for the row; or its refusal as the file's second row for one person. */
  private candidate(job: MemberImport, row: SheetRow, checked: AdmitMemberRequest | RowVerdict, seen: SeenRows, base: CommandContext): Candidate | RowVerdict {
    if (!(checked instanceof AdmitMemberRequest)) return checked;
    // The namesake check's own key (one tone placement, the skeleton), as against the register; in
    // any branch of the file (a probe's file listed one person under two branches, admitted twice).
    const twin = seen.people.find('', checked.fullName, checked.dateOfBirth);
    if (twin !== undefined) return refused(row.row, checked.fullName, 'possible-duplicate', `the same person (name, date of birth) as row ${twin}: if it is another person, admit them with POST /members and namesake: true`, undefined, { sameAsRow: twin });
    // One national ID number is one person, in any branch: a second row with it is refused, not raced (rows run in parallel).
    const number = checked.nationalId ? JSON.stringify(['national-id', checked.nationalId]) : undefined;
    const holderRow = number === undefined ? undefined : seen.numbers.get(number);
    if (holderRow !== undefined) {
      const message = `the same national ID number (nationalId) as row ${holderRow}`;
      return refused(row.row, checked.fullName, 'national-id-taken', message, [{ field: 'nationalId', rule: 'national-id-taken', message }], { sameAsRow: holderRow });
    }
    seen.people.add('', checked.fullName, checked.dateOfBirth, row.row);
    if (number !== undefined) seen.numbers.set(number, row.row);
    // The same file again, into the same unit, names the same commands, and so the same members: none
    // is admitted twice. The unit is part of it: the file imported under another unit was taken for the
    // first import's rows, "already admitted" in a branch they were not in (a black-box probe).
    const context: CommandContext = { ...base, commandId: `member-import:${job.unitId}:${job.fileSha256}:${row.row}`, caller: 'member-imports', fingerprint: `${job.unitId}:${job.fileSha256}:${row.row}` };
    const command = admissionCommand(checked, newEntityId(context), this.personnel.branchJoinedOn(checked.branchId, checked.admittedOn), context, this.personnel.today());
    return { row: row.row, command, context };
  }

  /**
   * A member of another branch of the import's unit with the row's name and date of birth: a list
   * of last year re-imported names a member who moved since in their old branch (a probe admitted
   * them again there). A row can say no "namesake"; POST /members can.
   */
  private namesakeInUnit(command: AdmitMember, scope: BranchesInScope): string | undefined {
    return this.directory.namesakes.membersNamedIn(scope.ids, command.personal.fullName, command.personal.dateOfBirth).find((id) => id !== command.memberId);
  }

  /** One row's verdict: refused for a namesake in the branch or by the decider; else valid (dry run), admitted, or already admitted by this file before. */
  private async verdict(job: MemberImport, c: Candidate, namesake: string | undefined): Promise<RowVerdict> {
    const { row, command, context } = c;
    const admitted = (verdict: 'valid' | 'admitted' | 'already-admitted', position?: number): RowVerdict => ({ row, verdict, memberId: command.memberId, branchId: command.branchId, fullName: command.personal.fullName, ...(position === undefined ? {} : { position }) });
    if (this.directory.member(command.memberId)) return admitted('already-admitted');
    if (namesake !== undefined) {
      const where = this.directory.member(namesake)?.branchId;
      const message = `the unit already has a member with this name and date of birth (${namesake}${where ? `, now in branch ${where}` : ''}): if it is another person, admit them with POST /members and namesake: true`;
      return refused(row, command.personal.fullName, 'possible-duplicate', message, undefined, { duplicateOf: namesake });
    }
    try {
      if (job.dryRun) {
        // As the real run will find it: a number another member holds (the real run refuses it in the admission's turn).
        const holder = this.admissions.holderOfNationalId(command);
        if (holder !== undefined) throw await this.admissions.numberHeld(holder, context);
        decideAdmission(command, memberAggregate.initialState());
        return admitted('valid');
      }
      // Checked again for namesakes in the branch's turn, as POST /members is: another import or an
      // admission made meanwhile (the batch's check above saw the register before them) is seen there
      // (a probe admitted 1,000 people twice with two imports at once).
      const answer = await this.admissions.handle(command, false, context, 'POST /member-imports');
      job.position = Math.max(job.position ?? 0, answer.position);
      return admitted(answer.duplicate ? 'already-admitted' : 'admitted', answer.position);
    } catch (error) {
      if (error instanceof RuleViolation || error instanceof ConflictError) return refused(row, command.personal.fullName, error.rule, error.message, fieldOf(error));
      throw error;
    }
  }
}

interface Candidate {
  row: number;
  command: AdmitMember;
  context: CommandContext;
}

/** The field a refusal names (a taken national ID number names nationalId), as the row's errors: a probe's row named it only in words. */
function fieldOf(error: RuleViolation | ConflictError): FieldError[] | undefined {
  const field = error.details.field;
  return typeof field === 'string' ? [{ field, rule: error.rule, message: error.message }] : undefined;
}
