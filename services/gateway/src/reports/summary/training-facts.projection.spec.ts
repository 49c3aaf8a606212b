import { CourseEvent, courseStream } from '@register/contracts';
import { projectLog, recordedFacts } from '@register/read-models';
import { BranchTrainingDoc, trainingFacts } from './training-facts.projection';

const scheduled: CourseEvent = { type: 'CourseScheduled', data: { courseId: 'c1', organiserUnitId: 'd', title: 'Lớp bồi dưỡng bí thư', kind: 'skills', topics: [], startsOn: '2020-06-10', endsOn: '2020-06-12', location: null, partner: null } };
const enrolled: CourseEvent = {
  type: 'ParticipantsEnrolled',
  data: { courseId: 'c1', participants: [{ memberId: 'm1', branchId: 'b1', post: 'secretary' }, { memberId: 'm2', branchId: 'b2', post: 'secretary' }] },
};
const completed: CourseEvent = { type: 'CourseCompleted', data: { courseId: 'c1', completedOn: '2020-06-12', results: [{ memberId: 'm1', outcome: 'completed' }, { memberId: 'm2', outcome: 'not-completed' }] } };
const run = (events: CourseEvent[]) => projectLog(trainingFacts, recordedFacts(events, (e) => courseStream(e.data.courseId)));

describe('report-training (the training field of the branch documents)', () => {
  it('records a completed outcome on the branch the member enrolled from; a not-completed outcome is no completion', async () => {
    const { collection } = await run([scheduled, enrolled, completed]);
    const b1 = (await collection('branches').get('b1')) as BranchTrainingDoc | undefined;
    const b2 = (await collection('branches').get('b2')) as BranchTrainingDoc | undefined;
    expect(b1?.completions).toEqual([{ year: 2020, memberId: 'm1', courseId: 'c1', completedOn: '2020-06-12', recordedAt: expect.any(String) }]);
    expect(b2?.completions ?? []).toEqual([]);
    expect(b2?.trainees).toEqual([{ year: 2020, memberId: 'm2', courseId: 'c1' }]);
  });

  it('takes a cancelled course\'s entries out', async () => {
    const { collection } = await run([scheduled, enrolled, completed, { type: 'CourseCancelled', data: { courseId: 'c1', cancelledOn: '2020-06-13', participantIds: [] } }]);
    expect(await collection('branches').get('b1')).toMatchObject({ trainees: [], completions: [] });
  });
});
