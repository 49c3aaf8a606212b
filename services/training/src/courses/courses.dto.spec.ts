import { brokenRules } from '../testing/field-rules';
import { CompletionRequest, ScheduleCourseRequest } from './courses.dto';

const why = { reason: 'bế giảng lớp' };

describe('a course body', () => {
  const course = (topics: unknown) => ({ organiserUnitId: 'qp', title: 'Bồi dưỡng bí thư chi đoàn', kind: 'skills', topics, startsOn: '2025-04-10', endsOn: '2025-04-12', ...why });
  it('takes its topics (chuyên đề)', async () => expect(await brokenRules(ScheduleCourseRequest, course([{ title: 'Sinh hoạt chi đoàn' }]))).toEqual([]));
  it('refuses a course that teaches no topic (400 arrayMinSize on topics)', async () => expect(await brokenRules(ScheduleCourseRequest, course([]))).toEqual(['topics:arrayMinSize']));
});

describe('a completion body', () => {
  it('takes one outcome per participant', async () =>
    expect(await brokenRules(CompletionRequest, { results: [{ memberId: 'm1', outcome: 'completed', certificateNo: 'CN-1' }, { memberId: 'm2', outcome: 'not-completed' }], ...why })).toEqual([]));
  it('refuses a member named twice in results (400 arrayUnique): the last would win and a certificate be lost', async () =>
    expect(await brokenRules(CompletionRequest, { results: [{ memberId: 'm1', outcome: 'completed', certificateNo: 'CN-1' }, { memberId: 'm1', outcome: 'completed', certificateNo: 'CN-2' }], ...why })).toEqual(['results:arrayUnique']));
  it('leaves items without a member id, or that are no objects, to their own rules (no repeat, no 500)', async () => {
    expect(await brokenRules(CompletionRequest, { results: [{ outcome: 'completed' }, { outcome: 'completed' }], ...why })).not.toContain('results:arrayUnique');
    expect(await brokenRules(CompletionRequest, { results: [null, 'm1'], ...why })).toEqual(['results.0:required', 'results.1:nestedValidation']);
  });
});
