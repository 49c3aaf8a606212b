import { BranchReplica } from '../application/branch-replica';
import { applyEvaluationEvent } from './evaluation-ratings';

const established = { type: 'BranchEstablished', data: { branchId: 'b1', parentUnitId: 'xa-1', name: 'Chi đoàn bản Na', area: null, predecessorIds: [] }, metadata: { effectiveDate: '2015-01-01' } };
const facts = (year: number, grade: string, subjectType = 'branch') => ({ ratingId: `${subjectType}.${year}.b1`, subjectType, subjectId: 'b1', year, period: 'calendar', periodKey: String(year), scale: 'branch-classic', grade, placement: { branchId: 'b1', unitIds: ['xa-1'] } });
const change = (year: number, from: string, to: string) => ({ ratingId: `branch.${year}.b1`, changeId: `c1.branch.${year}.b1`, subjectType: 'branch', subjectId: 'b1', year, scale: 'branch-classic', fromGrade: from, toGrade: to, proposedBy: 'h1', approvedBy: 'h2' });

describe("evaluation's ratings in personnel's branch replica (the direct-election rule's fact)", () => {
  const replica = () => {
    const r = new BranchReplica();
    r.apply(established as never);
    return r;
  };

  it("a branch's decision is its last rating; an approved change replaces it", () => {
    const r = replica();
    applyEvaluationEvent(r, { type: 'RatingDecided', data: facts(2021, 'average') });
    expect(r.get('b1')?.lastRating).toBe('average');
    applyEvaluationEvent(r, { type: 'RatingChangeApproved', data: change(2021, 'average', 'strong') });
    expect(r.get('b1')?.lastRating).toBe('strong');
  });

  it("the latest year's counts: an earlier year's decision arriving later does not replace it", () => {
    const r = replica();
    applyEvaluationEvent(r, { type: 'RatingDecided', data: facts(2022, 'strong') });
    applyEvaluationEvent(r, { type: 'RatingDecided', data: facts(2021, 'weak') });
    expect(r.get('b1')?.lastRating).toBe('strong');
  });

  it("self-assessments and members' ratings are not the branch's rating", () => {
    const r = replica();
    applyEvaluationEvent(r, { type: 'RatingSelfAssessed', data: facts(2022, 'strong') });
    applyEvaluationEvent(r, { type: 'RatingDecided', data: { ...facts(2022, 'weak', 'member') } });
    expect(r.get('b1')?.lastRating).toBeNull();
  });

  it("a rating that arrives before the branch's establishment (each topic read at its own pace) is kept for it", () => {
    const r = new BranchReplica();
    applyEvaluationEvent(r, { type: 'RatingDecided', data: facts(2022, 'average') });
    r.apply(established as never);
    expect(r.get('b1')?.lastRating).toBe('average');
  });
});
