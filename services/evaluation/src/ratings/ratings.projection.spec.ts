import { RatingEvent, ratingStream } from '@register/contracts';
import { projectLog, recordedFacts } from '@register/read-models';
import { foldRow } from './rating-row';
import { ratingsProjection } from './ratings.projection';

const placement = { branchId: 'b1', unitIds: ['xa-1', 'qc'] };
const subject = { subjectType: 'branch' as const, subjectId: 'b1', year: 2020, scale: 'branch-classic' as const };
const facts = (grade: string) => ({ ratingId: 'branch.2020.b1', subjectType: 'branch' as const, subjectId: 'b1', year: 2020, period: 'calendar' as const, periodKey: '2020', scale: 'branch-classic' as const, grade, placement });
const events: RatingEvent[] = [
  { type: 'RatingSelfAssessed', data: facts('strong') },
  { type: 'RatingDecided', data: facts('good') },
  { type: 'RatingChangeProposed', data: { ratingId: 'branch.2020.b1', changeId: 'c1.branch.2020.b1', ...subject, fromGrade: 'good', toGrade: 'strong', proposedBy: 'h1' } },
  { type: 'RatingChangeApproved', data: { ratingId: 'branch.2020.b1', changeId: 'c1.branch.2020.b1', ...subject, fromGrade: 'good', toGrade: 'strong', proposedBy: 'h1', approvedBy: 'h2' } },
];
const recorded = () => recordedFacts(events, (e) => ratingStream((e.data as { ratingId: string }).ratingId));

describe('ratings projection', () => {
  it('keeps one document a subject and period: the stage reached, the grade as changed, every stage in history', async () => {
    const { collection } = await projectLog(ratingsProjection, recorded());
    const doc = await collection('ratings').get('branch.2020.b1');
    expect(doc).toMatchObject({ stage: 'decision', grade: 'strong', selfAssessedGrade: 'strong', decidedGrade: 'strong', unitIds: ['xa-1', 'qc'], pendingChangeId: null, version: 3 });
    expect((doc!.history as Array<{ stage: string }>).map((h) => h.stage)).toEqual(['self-assessment', 'decision', 'change-proposed', 'change-approved']);
  });

  it('is the fold the reads of history run on the stream', async () => {
    const { collection } = await projectLog(ratingsProjection, recorded());
    expect({ _id: 'branch.2020.b1', ...(await collection('ratings').get('branch.2020.b1')) }).toEqual(foldRow(recorded()));
  });
});
