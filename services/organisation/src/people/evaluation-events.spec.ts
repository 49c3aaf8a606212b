import { PeopleReplica } from './people-replica';
import { applyEvaluationEvent } from './evaluation-events';

const facts = (year: number, grade: string, subjectType = 'branch') => ({ ratingId: `${subjectType}.${year}.b1`, subjectType, subjectId: 'b1', year, period: 'calendar', periodKey: String(year), scale: 'branch-classic', grade, placement: { branchId: 'b1', unitIds: [] } });

describe("evaluation's ratings in organisation's people replica (what a merger's dry run carries)", () => {
  it("keeps each year's decided grade of a branch, an approved change replacing that year's", () => {
    const people = new PeopleReplica();
    applyEvaluationEvent(people, { type: 'RatingDecided', data: facts(2020, 'good') });
    applyEvaluationEvent(people, { type: 'RatingDecided', data: facts(2021, 'average') });
    applyEvaluationEvent(people, { type: 'RatingChangeApproved', data: { ratingId: 'branch.2020.b1', changeId: 'c1.branch.2020.b1', subjectType: 'branch', subjectId: 'b1', year: 2020, scale: 'branch-classic', fromGrade: 'good', toGrade: 'strong', proposedBy: 'h1', approvedBy: 'h2' } });
    expect(people.ratingsOf('b1')).toEqual([{ year: 2021, scale: 'branch-classic', grade: 'average' }, { year: 2020, scale: 'branch-classic', grade: 'strong' }]);
  });

  it('ignores self-assessments and the ratings of members', () => {
    const people = new PeopleReplica();
    applyEvaluationEvent(people, { type: 'RatingSelfAssessed', data: facts(2020, 'good') });
    applyEvaluationEvent(people, { type: 'RatingDecided', data: facts(2020, 'good', 'member') });
    expect(people.ratingsOf('b1')).toEqual([]);
  });
});
