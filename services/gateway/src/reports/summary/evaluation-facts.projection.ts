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

/** Counts by the day they took effect: a count as of a day adds the entries up to it. */
export type DayCounts = Record<string, number>;

/**
 * `report-evaluation.branches`, the `evaluation` field of the branch's reporting document: per
 * rated year, the decided grades of the branch and of its members by subject kind, scale, grade
 * and the day each took effect (a decision +1; an approved change -1 on the old grade, +1 on the
 * new, on its own day), and the commendations per year by the day they were issued. Ratings of a
 * year are often decided in the next, so a summary as of a day counts what was in force that day.
 */
export interface BranchEvaluationDoc {
  _id: string;
  decisions?: Record<string, Partial<Record<'branch' | 'member', Record<string, Record<string, DayCounts>>>>>;
  commended?: Record<string, DayCounts>;
}

/** The branch a rating counts in: the branch itself, or the member's branch when rated. */
const branchOf = (d: { subjectType: string; subjectId: string; placement: { branchId: string | null } }) => (d.subjectType === 'branch' ? d.subjectId : d.placement.branchId);

/** What moving a rating to `grade` (from `previous`, if any) on day `on` does to its branch's document. */
function graded(r: Omit<RatingFactsDoc, '_id' | 'grade'>, grade: string, previous: string | undefined, on: string): Operation<C> | undefined {
  if ((r.subjectType !== 'member' && r.subjectType !== 'branch') || previous === grade) return undefined;
  const key = `decisions.${r.year}.${r.subjectType}.${r.scale}`;
  return op.upsert<C>('branches', r.branchId, { $inc: { [`${key}.${grade}.${on}`]: 1, ...(previous ? { [`${key}.${previous}.${on}`]: -1 } : {}) } });
}

/** Decided ratings and commendations per branch, from evaluation's events. */
export const evaluationFacts = defineProjection<EvaluationEvent, C>({
  name: 'report-evaluation',
  version: 3,
  collections: { ratings: {}, branches: {} },
  handlers: {
    RatingDecided: async (e: E<'RatingDecided'>, reader) => {
      const branchId = branchOf(e.data);
      if (!branchId || e.data.subjectType === 'officer') return undefined;
      const before = (await reader.read('ratings', e.data.ratingId)) as RatingFactsDoc | undefined;
      const facts = { subjectType: e.data.subjectType, branchId, year: e.data.year, scale: e.data.scale };
      return [op.replace<C>('ratings', e.data.ratingId, { ...facts, grade: e.data.grade }), graded(facts, e.data.grade, before?.grade, e.metadata.effectiveDate)].filter((o) => o !== undefined);
    },
    RatingChangeApproved: async (e: E<'RatingChangeApproved'>, reader) => {
      const before = (await reader.read('ratings', e.data.ratingId)) as RatingFactsDoc | undefined;
      if (!before) return undefined;
      return [op.update<C>('ratings', before._id, { $set: { grade: e.data.toGrade } }), graded(before, e.data.toGrade, before.grade, e.metadata.effectiveDate)].filter((o) => o !== undefined);
    },
    CommendationIssued: (e: E<'CommendationIssued'>) => {
      const branchId = branchOf(e.data);
      return branchId ? op.upsert<C>('branches', branchId, { $inc: { [`commended.${e.data.year}.${e.metadata.effectiveDate}`]: 1 } }) : undefined;
    },
  },
});
