import { Evolver } from '@register/event-sourcing';
import { RatingEvent, RatingPeriod, RatingPlacement, RatingScale, RatingSubject } from '@register/contracts';

/** A change proposed and not yet approved or rejected. */
export interface PendingChange {
  changeId: string;
  proposedBy: string;
  fromGrade: string;
  toGrade: string;
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
  /** The grade decided, as changed since by approved changes. */
  decided: string | null;
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
  decided: null,
  pending: null,
  changes: 0,
  settled: [],
});

export function evolveRating(s: Rating, e: RatingEvent): Rating {
  switch (e.type) {
    case 'RatingSelfAssessed':
    case 'RatingDecided': {
      const { ratingId, subjectType, subjectId, year, period, scale, placement, grade } = e.data;
      const base = { ...s, exists: true, ratingId, subjectType, subjectId, year, period, scale, placement };
      return e.type === 'RatingSelfAssessed' ? { ...base, selfAssessed: grade } : { ...base, decided: grade };
    }
    case 'RatingChangeProposed':
      return { ...s, changes: s.changes + 1, pending: { changeId: e.data.changeId, fromGrade: e.data.fromGrade, toGrade: e.data.toGrade, proposedBy: e.data.proposedBy } };
    case 'RatingChangeApproved':
      return { ...s, decided: e.data.toGrade, pending: null, settled: [...s.settled, e.data.changeId] };
    case 'RatingChangeRejected':
      return { ...s, pending: null, settled: [...s.settled, e.data.changeId] };
    default:
      return s;
  }
}

export const ratingAggregate: Evolver<RatingEvent, Rating> = { initialState: noRating, evolve: evolveRating };
