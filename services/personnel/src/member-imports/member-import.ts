import type { RowVerdict } from './import-row';

/** A member import as GET /member-imports/{id} answers it (and the process keeps it, with whom it is kept for). */
export interface MemberImport {
  id: string;
  unitId: string;
  dryRun: boolean;
  fileSha256: string;
  status: 'running' | 'finished' | 'failed';
  total: number;
  processed: number;
  counts: { valid: number; admitted: number; alreadyAdmitted: number; refused: number };
  startedAt: string;
  finishedAt: string | null;
  rowsPerSecond: number | null;
  /** Why a failed import stopped (the rows verdicted so far stand; importing the file again goes on from them). */
  failure: string | null;
  actor: string;
  /**
   * The log position of the newest admission this import made (null before its first, and in a dry
   * run): a read's `minPosition` with it waits for every admission of the file, as with any command's
   * answer (a probe read a summary without them right after `finished`). Absent in a record kept
   * before 7 December 2026.
   */
  position?: number | null;
  /** The sheet's rows left out as hidden (a filter, rows hidden by hand), by their numbers: not the list, and said so. */
  hiddenRows: number[];
  /** The workbook's other visible sheets that hold rows, not read (only the first visible sheet is the list), by name and rows; absent in a record kept before 7 December 2026. */
  otherSheets?: Array<{ name: string; rows: number }>;
  rows: RowVerdict[];
}
