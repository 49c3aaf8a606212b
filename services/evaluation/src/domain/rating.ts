import { Evolver } from '@register/event-sourcing';
import { RatingEvent, RatingPeriod, RatingPlacement, RatingScale, RatingSubject } from '@register/contracts';

/** A change proposed and not yet approved or rejected. */
export interface PendingChange {
  changeId: string;
  proposedBy: string;
  fromGrade: string;
  toGrade: string;
  /** The day the proposal took effect ('' when not known). */
  proposedOn: string;
}

/** One subject's rating for one period: its self-assessment, its decision, and the change under way. */
export interface Rating {
  exists: boolean;
  ratingId: string;
  subjectType: RatingSubject | null;
  subjectId: string;
  year: number;
  period: RatingPeriod;
  scale: RatingScale | null;
  placement: RatingPlacement;
  selfAssessed: string | null;
  /** The day the self-assessment took effect ('' when none, or not known). */
  selfAssessedOn: string;
  /** The grade decided, as changed since by approved changes. */
  decided: string | null;
  /** The day that grade took effect: the decision's, or the last approved change's ('' when not known). */
  decidedOn: string;
  pending: PendingChange | null;
  /** How many changes were ever proposed: the next change's number. */
  changes: number;
  /** Changes already approved or rejected (their ids). */
  settled: string[];
}

export const noRating = (): Rating => ({
  exists: false,
  ratingId: '',
  subjectType: null,
  subjectId: '',
  year: 0,
  period: 'calendar',
  scale: null,
  placement: { branchId: null, unitIds: [] },
  selfAssessed: null,
  selfAssessedOn: '',
  decided: null,
  decidedOn: '',
  pending: null,
  changes: 0,
  settled: [],
});

/** The day an event took effect, as recorded in its metadata ('' for an event given without it). */
const dayOf = (e: RatingEvent): string => (e as { metadata?: { effectiveDate?: string } }).metadata?.effectiveDate ?? '';

export function evolveRating(s: Rating, e: RatingEvent): Rating {
  switch (e.type) {
    case 'RatingSelfAssessed':
    case 'RatingDecided': {
      const { ratingId, subjectType, subjectId, year, period, scale, placement, grade } = e.data;
      const base = { ...s, exists: true, ratingId, subjectType, subjectId, year, period, scale, placement };
      return e.type === 'RatingSelfAssessed' ? { ...base, selfAssessed: grade, selfAssessedOn: dayOf(e) } : { ...base, decided: grade, decidedOn: dayOf(e) };
    }
    case 'RatingChangeProposed':
      return { ...s, changes: s.changes + 1, pending: { changeId: e.data.changeId, fromGrade: e.data.fromGrade, toGrade: e.data.toGrade, proposedBy: e.data.proposedBy, proposedOn: dayOf(e) } };
    case 'RatingChangeApproved':
      return { ...s, decided: e.data.toGrade, decidedOn: dayOf(e), pending: null, settled: [...s.settled, e.data.changeId] };
    case 'RatingChangeRejected':
      return { ...s, pending: null, settled: [...s.settled, e.data.changeId] };
    default:
      return s;
  }
}

export const ratingAggregate: Evolver<RatingEvent, Rating> = { initialState: noRating, evolve: evolveRating };
