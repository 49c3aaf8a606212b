import { RatingEvent, RatingPeriod, RatingScale, RatingStage, RatingSubject } from '@register/contracts';
import { DecisionRef, RecordedEvent } from '@register/event-sourcing';

/** One stage of a rating's history: who did what, why, under which decision, when. */
export interface HistoryEntry {
  stage: RatingStage | 'change-proposed' | 'change-approved' | 'change-rejected';
  grade: string;
  fromGrade: string | null;
  changeId: string | null;
  actor: string;
  reason: string;
  decision: DecisionRef | null;
  effectiveDate: string;
  recordedAt: string;
}

/** A rating as lists and a subject's page show it: the stage reached, the grade now, every stage before. */
export interface RatingRow {
  _id: string;
  subjectType: RatingSubject;
  subjectId: string;
  year: number;
  period: RatingPeriod;
  periodKey: string;
  scale: RatingScale;
  branchId: string | null;
  unitIds: string[];
  stage: RatingStage;
  /** The decided grade (as changed since) once decided; the self-assessed one before. */
  grade: string;
  selfAssessedGrade: string | null;
  decidedGrade: string | null;
  pendingChangeId: string | null;
  history: HistoryEntry[];
  /** The rating stream's revision: the ETag a change's If-Match names. */
  version: number;
}

const entry = (e: RecordedEvent, stage: HistoryEntry['stage'], grade: string, fromGrade: string | null = null, changeId: string | null = null): HistoryEntry => ({
  stage,
  grade,
  fromGrade,
  changeId,
  actor: e.metadata.actor,
  reason: e.metadata.reason,
  decision: e.metadata.decision ?? null,
  effectiveDate: e.metadata.effectiveDate,
  recordedAt: e.recordedAt,
});

/**
 * A rating's row after one more of its events: the one fold behind the read model (projection)
 * and the reads of history (asOf folds the stream with it).
 */
export function nextRow(row: RatingRow | undefined, recorded: RecordedEvent): RatingRow | undefined {
  const e = { type: recorded.type, data: recorded.data } as RatingEvent;
  const base = { version: recorded.revision };
  switch (e.type) {
    case 'RatingSelfAssessed':
    case 'RatingDecided': {
      const d = e.data;
      const decided = e.type === 'RatingDecided';
      const stage: RatingStage = decided ? 'decision' : 'self-assessment';
      return {
        _id: d.ratingId,
        subjectType: d.subjectType,
        subjectId: d.subjectId,
        year: d.year,
        period: d.period,
        periodKey: d.periodKey,
        scale: d.scale,
        branchId: d.placement.branchId,
        unitIds: d.placement.unitIds,
        stage,
        grade: d.grade,
        selfAssessedGrade: decided ? (row?.selfAssessedGrade ?? null) : d.grade,
        decidedGrade: decided ? d.grade : null,
        pendingChangeId: null,
        history: [...(row?.history ?? []), entry(recorded, stage, d.grade)],
        ...base,
      };
    }
    case 'RatingChangeProposed':
      return row && { ...row, ...base, pendingChangeId: e.data.changeId, history: [...row.history, entry(recorded, 'change-proposed', e.data.toGrade, e.data.fromGrade, e.data.changeId)] };
    case 'RatingChangeApproved':
      return row && { ...row, ...base, grade: e.data.toGrade, decidedGrade: e.data.toGrade, pendingChangeId: null, history: [...row.history, entry(recorded, 'change-approved', e.data.toGrade, e.data.fromGrade, e.data.changeId)] };
    case 'RatingChangeRejected':
      return row && { ...row, ...base, pendingChangeId: null, history: [...row.history, entry(recorded, 'change-rejected', e.data.toGrade, e.data.fromGrade, e.data.changeId)] };
    default:
      return row;
  }
}

export const foldRow = (events: RecordedEvent[]): RatingRow | undefined => events.reduce<RatingRow | undefined>(nextRow, undefined);
