import { RecordedEvent } from '@register/event-sourcing';
import { evaluationSchemas } from './schemas';

describe('a rating change of version 1, read through the schemas', () => {
  const v1 = (type: string, data: Record<string, unknown>) => ({ type, schemaVersion: 1, data }) as unknown as RecordedEvent;
  const change = { ratingId: 'branch.2024.b-1', changeId: 'c1.branch.2024.b-1', fromGrade: 'good', toGrade: 'excellent', proposedBy: 'admin' };

  it.each(['RatingChangeProposed', 'RatingChangeApproved', 'RatingChangeRejected'])('%s names its subject, year and scale, from its rating id', (type) =>
    expect(evaluationSchemas.upcast(v1(type, change))).toMatchObject({ schemaVersion: 2, data: { ...change, subjectType: 'branch', subjectId: 'b-1', year: 2024, scale: 'four-level' } }));

  it('reads a school year by its first year, and the classic scale before 2023', () =>
    expect(evaluationSchemas.upcast(v1('RatingChangeApproved', { ...change, ratingId: 'member.2021-2022.m-7' })).data).toMatchObject({ subjectType: 'member', subjectId: 'm-7', year: 2021, scale: 'member-classic' }));

  it('keeps what a version-1 event recorded after the fields were added holds', () =>
    expect(evaluationSchemas.upcast(v1('RatingChangeApproved', { ...change, subjectType: 'branch', subjectId: 'b-1', year: 2024, scale: 'branch-classic' })).data).toMatchObject({ scale: 'branch-classic' }));
});
