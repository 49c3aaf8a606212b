import { EvaluationEvent } from '@register/contracts';
import { RecordedEvent } from '@register/event-sourcing';
import { defineProjection, op, Operation } from '@register/read-models';

type C = 'ratings' | 'branches';
type E<T extends EvaluationEvent['type']> = RecordedEvent<Extract<EvaluationEvent, { type: T }>>;

/** `report-evaluation.ratings`: a decided rating, where it counts and its grade now (changes approved). */
export interface RatingFactsDoc {
  _id: string;
  subjectType: string;
  branchId: string;
  year: number;
  scale: string;
  grade: string;
}

/**
 * `report-evaluation.branches`, the `evaluation` field of the branch's reporting document: per
 * year, the branch's decided rating and its members' grades counted by scale then grade (scales
 * are never mixed), and the commendations of the year.
 */
export interface BranchEvaluationDoc {
  _id: string;
  ratings?: Record<string, { scale: string; grade: string }>;
  memberRatings?: Record<string, Record<string, Record<string, number>>>;
  commendations?: Record<string, number>;
}

/** The branch a rating counts in: the branch itself, or the member's branch when rated. */
const branchOf = (d: { subjectType: string; subjectId: string; placement: { branchId: string | null } }) => (d.subjectType === 'branch' ? d.subjectId : d.placement.branchId);

/** What moving a rating to `grade` (from `previous`, if any) does to its branch's document. */
function graded(r: Omit<RatingFactsDoc, '_id' | 'grade'>, grade: string, previous: string | undefined): Operation<C> | undefined {
  if (r.subjectType === 'branch') return op.upsert<C>('branches', r.branchId, { $set: { [`ratings.${r.year}`]: { scale: r.scale, grade } } });
  if (r.subjectType !== 'member' || previous === grade) return undefined;
  const key = `memberRatings.${r.year}.${r.scale}`;
  return op.upsert<C>('branches', r.branchId, { $inc: { [`${key}.${grade}`]: 1, ...(previous ? { [`${key}.${previous}`]: -1 } : {}) } });
}

/** Decided ratings and commendations per branch, from evaluation's events. */
export const evaluationFacts = defineProjection<EvaluationEvent, C>({
  name: 'report-evaluation',
  version: 2,
  collections: { ratings: {}, branches: {} },
  handlers: {
    RatingDecided: async (e: E<'RatingDecided'>, reader) => {
      const branchId = branchOf(e.data);
      if (!branchId || e.data.subjectType === 'officer') return undefined;
      const before = (await reader.read('ratings', e.data.ratingId)) as RatingFactsDoc | undefined;
      const facts = { subjectType: e.data.subjectType, branchId, year: e.data.year, scale: e.data.scale };
      return [op.replace<C>('ratings', e.data.ratingId, { ...facts, grade: e.data.grade }), graded(facts, e.data.grade, before?.grade)].filter((o) => o !== undefined);
    },
    RatingChangeApproved: async (e: E<'RatingChangeApproved'>, reader) => {
      const before = (await reader.read('ratings', e.data.ratingId)) as RatingFactsDoc | undefined;
      if (!before) return undefined;
      return [op.update<C>('ratings', before._id, { $set: { grade: e.data.toGrade } }), graded(before, e.data.toGrade, before.grade)].filter((o) => o !== undefined);
    },
    CommendationIssued: (e: E<'CommendationIssued'>) => {
      const branchId = branchOf(e.data);
      return branchId ? op.upsert<C>('branches', branchId, { $inc: { [`commendations.${e.data.year}`]: 1 } }) : undefined;
    },
  },
});
