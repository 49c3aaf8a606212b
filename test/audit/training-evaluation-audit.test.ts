import { Gateway, seedTree, startGateway, why } from '../gateway/gateway-app';

jest.setTimeout(180_000);

/**
 * api.md: GET /audit/events is "the log" and GET /audit/entities/{type}/{id}/history "every change
 * to one entity": training's and evaluation's logs too (it answered 400 isIn for them), with their
 * entities' histories; personnel's personal data stays sealed in the same answers.
 */
describe('the audit log covers training and evaluation (embedded gateway)', () => {
  let gw: Gateway;
  let auditor: ReturnType<Gateway['api']>;
  let courseId: string;
  let ratingId: string;

  beforeAll(async () => {
    gw = await startGateway();
    const admin = gw.api(await gw.bearer({ sub: 'admin', roles: ['central-admin'] }));
    auditor = gw.api(await gw.bearer({ sub: 'kiem-toan', roles: ['auditor'] }));
    await seedTree(admin);
    await gw.syncPersonnel();
    const member = await admin.post('/members', { id: 'm-1', branchId: 'b-1', fullName: 'Vi Thị Hoa Ban', dateOfBirth: '2001-02-03', gender: 'female', admittedOn: '2022-03-26', ...why('kết nạp', '2022-03-26') });
    expect(member.status).toBe(201);
    await gw.syncTraining();
    const course = await admin.post('/training-courses', { organiserUnitId: 'qp', title: 'Lớp bồi dưỡng bí thư', kind: 'skills', topics: [{ title: 'Nghiệp vụ công tác Đoàn' }], startsOn: '2025-05-10', endsOn: '2025-05-11', ...why() });
    expect(course.status).toBe(201);
    courseId = course.body.id;
    expect((await admin.post(`/training-courses/${courseId}/enrolments`, { memberIds: ['m-1'], ...why() })).status).toBe(201);
    expect((await admin.post(`/training-courses/${courseId}/completion`, { results: [{ memberId: 'm-1', outcome: 'completed' }], ...why('bế giảng', '2025-05-11') })).status).toBe(201);
    await gw.syncEvaluation();
    const rating = await admin.post('/ratings', { subjectType: 'branch', subjectId: 'b-1', year: 2025, scale: 'four-level', grade: 'good', stage: 'self-assessment', ...why() });
    expect(rating.status).toBe(201);
    ratingId = rating.body.id;
  });
  afterAll(() => gw?.close());

  it('filters the log by service=training and service=evaluation', async () => {
    const training = await auditor.get('/audit/events?service=training');
    expect(training.status).toBe(200);
    expect(training.body.items.map((e: { service: string; type: string }) => [e.service, e.type])).toEqual([
      ['training', 'CourseScheduled'],
      ['training', 'ParticipantsEnrolled'],
      ['training', 'CourseCompleted'],
    ]);
    expect(training.body.headPosition).toBe(3);
    const evaluation = await auditor.get('/audit/events?service=evaluation&type=RatingSelfAssessed');
    expect(evaluation.status).toBe(200);
    expect(evaluation.body.items).toEqual([expect.objectContaining({ service: 'evaluation', streamId: `rating-${ratingId}`, actor: 'admin', type: 'RatingSelfAssessed' })]);
  });

  it('the whole log names all four services; personnel\'s personal data stays sealed in it', async () => {
    const all = await auditor.get('/audit/events?limit=500');
    expect(all.status).toBe(200);
    expect(Object.keys(all.body.headPositions).sort()).toEqual(['evaluation', 'organisation', 'personnel', 'training']);
    expect(new Set(all.body.items.map((e: { service: string }) => e.service))).toEqual(new Set(['organisation', 'personnel', 'training', 'evaluation']));
    expect(all.raw).not.toContain('Vi Thị Hoa Ban');
  });

  it('answers the history of a course and of a rating, from their own streams; an unknown one is 404', async () => {
    const course = await auditor.get(`/audit/entities/course/${courseId}/history`);
    expect(course.status).toBe(200);
    expect(course.body.changes.map((c: { type: string }) => c.type)).toEqual(['CourseScheduled', 'ParticipantsEnrolled', 'CourseCompleted']);
    const rating = await auditor.get(`/audit/entities/rating/${encodeURIComponent(ratingId)}/history`);
    expect(rating.status).toBe(200);
    expect(rating.body.changes).toEqual([expect.objectContaining({ service: 'evaluation', type: 'RatingSelfAssessed', actor: 'admin', reason: expect.any(String) })]);
    expect((await auditor.get('/audit/entities/course/no-such-course/history')).status).toBe(404);
  });
});
