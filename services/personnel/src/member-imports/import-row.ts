import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { FieldError, flattenValidationErrors } from '@register/service-kit';
import { namesakeKey } from '@register/text';
import { AdmitMemberRequest } from '../members/members.dto';
import { fieldsOf, ImportField } from './import-columns';
import { SheetRow } from './spreadsheet';

/** What an import says of one row. */
export type RowVerdict =
  | { row: number; verdict: 'valid' | 'admitted' | 'already-admitted'; memberId: string; branchId: string; fullName: string | null; position?: number }
  | { row: number; verdict: 'refused'; fullName: string | null; rule: string; message: string; errors?: FieldError[]; duplicateOf?: string; sameAsRow?: number };

/** What a refusal as a second of one person points at: the member already registered, or the file's row it repeats. */
export type Duplicate = { duplicateOf: string } | { sameAsRow: number };

export const refused = (row: number, fullName: string | null, rule: string, message: string, errors?: FieldError[], duplicate?: Duplicate): RowVerdict => ({
  row,
  verdict: 'refused',
  fullName: fullName === null ? null : bounded(fullName),
  rule,
  message,
  ...(errors ? { errors } : {}),
  ...duplicate,
});

/**
 * Where the import may admit: the branches of its unit's subtree today, by id and by name as the
 * register compares names (namesakeKey: one tone placement, look-alikes as one), so that "Hòa Bình"
 * typed for a "Hoà Bình" of another commune is ambiguous, not silently the other branch.
 */
export interface BranchesInScope {
  unitId: string;
  ids: Set<string>;
  byName: Map<string, string[]>;
}

/**
 * How much of a cell a refusal shows back. A workbook of 24 KB whose 1,000 cells all named one
 * shared string of a megabyte made an import's answer a gigabyte, which the server could not write
 * (a probe): a cell is cut, not echoed whole.
 */
const SHOWN_CHARACTERS = 120;
const bounded = (text: string) => (text.length > SHOWN_CHARACTERS ? `${text.slice(0, SHOWN_CHARACTERS)}… (${text.length} characters)` : text);

/**
 * A cell's text quoted in a refusal, between “ and ” (cut past SHOWN_CHARACTERS): an office types a
 * name in the wrong column, and the import's record beside the log leaves such quotes out (withoutNames).
 */
export const cell = (text: string) => `“${bounded(text).replace(/[“”]/g, '"')}”`;

/** The branch a row names, by id or by name within the import's unit; a refusal when none or several. */
function branchOf(named: string | undefined, scope: BranchesInScope): string | { rule: string; message: string } {
  if (named === undefined) return { rule: 'isNotEmpty', message: 'Chi đoàn / branch is empty' };
  if (scope.ids.has(named)) return named;
  const byName = scope.byName.get(namesakeKey(named)) ?? [];
  if (byName.length === 1) return byName[0];
  if (byName.length > 1) return { rule: 'ambiguous-branch', message: `${byName.length} branches under ${scope.unitId} are named ${cell(named)} (or alike: one tone placement, case, look-alike letters): give the branch id (${byName.join(', ')})` };
  return { rule: 'unknown-branch', message: `no branch ${cell(named)} (by id or name) under unit ${scope.unitId}` };
}

/** A row checked as POST /members checks its body (the same DTO and rules), its branch resolved; or the refusal. */
export async function admissionOf(sheetRow: SheetRow, columns: Partial<Record<ImportField, string>>, scope: BranchesInScope, reason: string): Promise<AdmitMemberRequest | RowVerdict> {
  const fields = fieldsOf(sheetRow.cells, columns);
  const fullName = fields.fullName ?? null;
  const branch = branchOf(fields.branch, scope);
  const { branch: _named, ...personal } = fields;
  const request = plainToInstance(AdmitMemberRequest, { ...personal, branchId: typeof branch === 'string' ? branch : 'unresolved', reason });
  const found = flattenValidationErrors(await validate(request, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: true } }));
  // Every fault of the row at once, the branch's among them (a wrong branch hid the others), each named by the sheet's own column.
  const errors = [...(typeof branch === 'string' ? [] : [{ field: 'branch', ...branch }]), ...found.filter((e) => e.field !== 'branchId')].map((e) => withFormula(inSheetTerms(e, columns), columns, sheetRow.formulas));
  if (errors.length > 0) return refused(sheetRow.row, fullName, errors[0].rule, errors.map((e) => e.message).join('; '), errors);
  return request;
}

/** A refusal of a cell that holds a formula with no saved result says so: it read empty (spreadsheet.ts, formulasOf). */
function withFormula(e: FieldError, columns: Partial<Record<ImportField, string>>, formulas: string[] | undefined): FieldError {
  const column = columns[e.field as ImportField];
  if (!column || !formulas?.includes(column)) return e;
  return { ...e, message: `${e.message} (the cell holds a formula with no saved value, read as empty: open the file in Excel or LibreOffice, save it, and send it again)` };
}

/**
 * A refusal in the sheet's terms: the field named with its column as the header writes it ("Ngày
 * sinh"), dates that may be DD/MM/YYYY, genders as an office writes them (Nam, Nữ, Khác).
 */
function inSheetTerms(e: FieldError, columns: Partial<Record<ImportField, string>>): FieldError {
  const column = columns[e.field as ImportField];
  let message = column ? e.message.replace(new RegExp(`\\b${e.field}\\b`), `${e.field} (column "${column}")`) : e.message;
  if (e.rule === 'isCalendarDate') message = message.replace('written YYYY-MM-DD', 'written YYYY-MM-DD or DD/MM/YYYY');
  if (e.field === 'gender' && e.rule === 'isIn') message = `${message} (in the sheet: Nam, Nữ or Khác)`;
  return { ...e, message };
}
