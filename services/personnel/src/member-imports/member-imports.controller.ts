import { createHash, randomUUID } from 'node:crypto';
import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { MultipartFile, MultipartValue } from '@fastify/multipart';
import { CommandContext } from '@register/event-sourcing';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { checkBody, CommandRequest, commandContextOf, DecisionRefDto, ParseIdPipe, ProblemResponses, RegisterRequest, requestFingerprint, ValidationFailed } from '@register/service-kit';
import { MEMBER_IMPORT_FORM, MemberImportQuery } from './member-imports.dto';
import { MemberImport, MemberImports } from './member-imports.service';
import { MAX_IMPORT_BYTES } from './spreadsheet';
import { PERSONNEL_READ_LOG } from '../application/tokens';
import { PURPOSE_HEADER, purposeOf } from '../personal-data/purpose';
import { PersonalDataReadLog } from '../personal-data/read-log';
import { RepeatedReads } from '../personal-data/repeated-reads';

type Reply = { header(name: string, value: string): unknown };

type MultipartRequest = RegisterRequest & { isMultipart?: () => boolean; parts?: (options?: object) => AsyncIterableIterator<MultipartFile | MultipartValue> };

/** What the caller sees of an import: everything but whom the service keeps it for. */
const view = ({ actor: _actor, ...rest }: MemberImport) => rest;

/** Bulk admission (kết nạp hàng loạt) from an .xlsx or .csv file: the import runs in the background, GET shows its progress. */
@ApiTags('member-imports')
@Controller('member-imports')
export class MemberImportsController {
  constructor(
    private readonly imports: MemberImports,
    @Inject(PERSONNEL_READ_LOG) private readonly reads: PersonalDataReadLog,
  ) {}

  /** Polls of an import's progress, logged once a minute per member (kept in memory until a restart). */
  private readonly repeated = new RepeatedReads();

  @Post()
  @HttpCode(202)
  @ProblemResponses(404, 413, 415)
  @ApiResponse({ status: 202, description: 'The import, started in the background: GET its Location for the progress and each row\'s verdict' })
  @ApiConsumes('multipart/form-data')
  @ApiBody(MEMBER_IMPORT_FORM)
  @ApiOperation({
    summary:
      "Admit members from a spreadsheet (multipart: file, reason, decisionRef as JSON text, dryRun). Columns in Vietnamese or English: Họ và tên / fullName, Ngày sinh / dateOfBirth, Giới tính / gender, Ngày vào Đoàn / admittedOn, Chi đoàn / branch (id or name within unitId's subtree), optional Dân tộc / ethnicity, Số điện thoại / phone, Số CCCD / nationalId. 202 with the import (Location: GET /member-imports/{id}); 415 for a file that is no spreadsheet, 400 for a header without the required columns, 413 beyond 5 MB",
  })
  async start(@Query() query: MemberImportQuery, @Req() req: MultipartRequest, @Res({ passthrough: true }) reply: Reply) {
    const form = await formOf(req);
    const context: CommandContext = { actor: req.actor?.id ?? 'anonymous', reason: form.reason, ...(form.decision ? { decision: form.decision } : {}), correlationId: req.correlationId ?? randomUUID() };
    const fileSha256 = createHash('sha256').update(form.file).digest('hex');
    const request = { file: form.file, fileSha256, unitId: query.unitId, dryRun: form.dryRun, context };
    const key = importKeyOf(req, query.unitId, form, fileSha256);
    const job = key ? await this.imports.startOnce(request, key) : await this.imports.start(request);
    reply.header('location', `/api/v1/member-imports/${encodeURIComponent(job.id)}`);
    return view(job);
  }

  @Get(':id')
  @ProblemResponses(404)
  @ApiOperation({
    summary:
      "An import's progress (processed of total, counts) and each row's verdict: valid (dry run), admitted, already-admitted or refused with the rule and the reason. Kept beside the log: after a restart, or from another instance, the rows answer fullName null; an import its process stopped answers failed, failure 'interrupted: …'",
  })
  @ApiHeader(PURPOSE_HEADER)
  async get(@Param('id', ParseIdPipe) id: string, @Req() req: RegisterRequest) {
    const purpose = purposeOf(req.headers);
    const job = await this.imports.get(id);
    const actor = req.actor?.id ?? 'anonymous';
    // The rows name registered members: a read of their data, logged as a list's is (a probe found
    // it unlogged); a run after a dry run of the same file keeps its id, its start tells them apart.
    const memberIds = this.repeated.unlogged(`${job.id}\u0000${job.startedAt}`, actor, purpose, this.imports.membersShown(job));
    if (memberIds.length) await this.reads.record({ actor, purpose, endpoint: 'GET /member-imports/{id}', memberIds });
    return view(job);
  }
}

/**
 * The request's Idempotency-Key, checked as every command's (commandContextOf), with what makes the
 * request this one: the unit, the file's SHA-256, reason, decision and dryRun (the form, not its bytes).
 */
function importKeyOf(req: RegisterRequest, unitId: string | undefined, form: Awaited<ReturnType<typeof formOf>>, file: string) {
  const { commandId, caller } = commandContextOf(req);
  if (!commandId || !req.fingerprintSecret) return undefined;
  const asked = { unitId: unitId ?? null, file, reason: form.reason, decisionRef: form.decision ?? null, dryRun: form.dryRun };
  return { commandId, caller: caller ?? 'anonymous', fingerprint: requestFingerprint(req.fingerprintSecret, 'POST', '/member-imports', asked) };
}

const FORM_FIELDS = new Set(['reason', 'dryRun', 'decisionRef']);
type FieldError = { field: string; rule: string; message: string };

/** The form's file (the first one, read up to the limit: 413 beyond), reason, decisionRef and dryRun; 400 naming what is missing. */
async function formOf(req: MultipartRequest): Promise<{ file: Buffer; reason: string; dryRun: boolean; decision?: DecisionRefDto }> {
  if (!req.isMultipart?.() || !req.parts) throw new ValidationFailed([{ field: 'file', rule: 'multipart', message: 'send the file as multipart/form-data, in a field named file' }]);
  const fields: Record<string, string> = {};
  let file: Buffer | undefined;
  try {
    for await (const part of req.parts({ limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 10 } })) {
      if (part.type === 'file') file = await part.toBuffer();
      else fields[part.fieldname] = String(part.value);
    }
  } catch (error) {
    // A file over the limit is 413; too many fields or files, or a body the parser cannot read
    // (no boundary, cut short), is the caller's 400.
    const { statusCode, code } = error as { statusCode?: unknown; code?: unknown };
    if (statusCode === 413 && code === 'FST_REQ_FILE_TOO_LARGE') throw error;
    if (typeof statusCode === 'number' && statusCode !== 413) throw error;
    throw new ValidationFailed([{ field: 'file', rule: 'multipart', message: `the body is not a form of file, reason and dryRun: ${(error as Error).message}` }]);
  }
  const errors: FieldError[] = [];
  for (const name of Object.keys(fields)) if (!FORM_FIELDS.has(name)) errors.push({ field: name.slice(0, 100), rule: 'unknown-field', message: 'the form holds file, reason, decisionRef and dryRun only' });
  errors.push(...textRulesOf(fields));
  const decision = decisionOf(fields.decisionRef, errors);
  if (!file || file.length === 0) errors.push({ field: 'file', rule: 'isNotEmpty', message: 'file must be an .xlsx or .csv file' });
  const reason = (fields.reason ?? '').trim();
  // Its length is every command's rule (reasonRulesOf): a probe's 1,500 characters, taken by POST /members, were refused here as missing.
  if (reason === '') errors.push({ field: 'reason', rule: 'isNotEmpty', message: 'reason must be given' });
  else errors.push(...reasonRulesOf(reason));
  if (fields.dryRun !== undefined && !['true', 'false'].includes(fields.dryRun)) errors.push({ field: 'dryRun', rule: 'isBoolean', message: 'dryRun must be true or false' });
  if (errors.length > 0 || !file) throw new ValidationFailed(errors);
  return { file, reason, dryRun: fields.dryRun === 'true', ...(decision ? { decision } : {}) };
}

/**
 * The form's text held to what a JSON body is held to (body-rules: no control character, NUL or lone
 * surrogate), and UTF-8: the form's parser reads other bytes as U+FFFD, which a probe's Latin-1
 * reason put in the signed log for good, where POST /members refuses the same reason.
 */
function textRulesOf(fields: Record<string, string>): FieldError[] {
  const notUtf8 = Object.keys(fields).filter((name) => fields[name].includes('\ufffd'));
  return [...checkBody(fields), ...notUtf8.map((field) => ({ field, rule: 'utf-8', message: `${field} is not UTF-8 text (Latin-1 or Windows-1258 text reads so): send the form's text as UTF-8` }))];
}

/** The reason held to every command's rules (CommandRequest: a character a reader sees, no bidi controls). */
function reasonRulesOf(reason: string): FieldError[] {
  const found = validateSync(plainToInstance(CommandRequest, { reason }), { skipMissingProperties: true });
  return found.flatMap((e) => Object.entries(e.constraints ?? {}).map(([rule, message]) => ({ field: e.property, rule, message })));
}

/** The form's decisionRef, JSON text checked as every command's decisionRef; its errors named `decisionRef.<field>`. */
function decisionOf(text: string | undefined, errors: FieldError[]): DecisionRefDto | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    errors.push({ field: 'decisionRef', rule: 'isObject', message: 'decisionRef must be a JSON object: {"number": "…", "issuedBy": "…", "date": "YYYY-MM-DD"}' });
    return undefined;
  }
  const decision = plainToInstance(DecisionRefDto, value);
  for (const e of validateSync(decision, { whitelist: true, forbidNonWhitelisted: true })) {
    for (const [rule, message] of Object.entries(e.constraints ?? {})) errors.push({ field: `decisionRef.${e.property}`, rule, message });
  }
  return { ...decision };
}
