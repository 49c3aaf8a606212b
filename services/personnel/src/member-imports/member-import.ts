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
  /** The sheet's rows left out as hidden (a filter, rows hidden by hand), by their numbers: not the list, and said so. */
  hiddenRows: number[];
  rows: RowVerdict[];
}
