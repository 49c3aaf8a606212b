import { EventStore } from '@register/event-sourcing';
import { applyPersonnelEvent } from '../../services/organisation/src/people/personnel-events';
import { PeopleReplica } from '../../services/organisation/src/people/people-replica';
import { PERSONNEL_LOG } from '../../services/personnel/src/application/tokens';
import { mentorAssignmentStream } from '@register/contracts';
import { MentorTurns } from '../../services/training/src/mentors/mentor-turns';
import { anEvent } from '../support/events';
import { admit, startTraining, TrainingApp, why } from './training-app';

/** Competitions and mentor assignments through the gateway of the embedded start. */
describe('training competitions and mentors through the gateway (embedded)', () => {
  let t: TrainingApp;

  beforeAll(async () => {
    t = await startTraining();
    await admit(t.admin, 'b-1', ['c-1', 'c-2', 'c-3']);
    await admit(t.admin, 'b-2', ['mentor-1', 'mentor-2']);
    await t.sync();
  }, 120_000);
  afterAll(async () => t?.gw.close());

  it('keeps a competition with its entrants and awards (409 entered twice, 422 award to a non-entrant, 422 results twice)', async () => {
    const c = await t.admin.post('/competitions', { organiserUnitId: 'qp', title: 'Hội thi Bí thư chi đoàn giỏi 2025', heldOn: '2025-03-20', ...why() });
    expect(c.status).toBe(201);
    expect((await t.admin.post(`/competitions/${c.body.id}/entries`, { memberIds: ['c-1', 'c-2'], ...why() })).status).toBe(201);
    expect((await t.refusedUnchanged(409, () => t.admin.post(`/competitions/${c.body.id}/entries`, { memberIds: ['c-2'], ...why() }))).body.rule).toBe('already-entered');
    // Admitted after the day it was held (and, as a mentor, after the assignment's first day): no part in either.
    expect((await t.admin.post('/members', { id: 'c-late', branchId: 'b-1', fullName: 'Lò Văn Sau', dateOfBirth: '2000-01-01', gender: 'male', admittedOn: '2025-06-01', reason: 'kết nạp' })).status).toBe(201);
    await t.sync();
    expect((await t.refusedUnchanged(422, () => t.admin.post(`/competitions/${c.body.id}/entries`, { memberIds: ['c-late'], ...why() }))).body.rule).toBe('admitted-after-competition');
    expect((await t.refusedUnchanged(422, () => t.admin.post('/mentor-assignments', { branchId: 'b-2', mentorMemberId: 'c-late', startsOn: '2025-05-01', ...why() }))).body.rule).toBe('admitted-after-start');
    expect((await t.refusedUnchanged(422, () => t.admin.post(`/competitions/${c.body.id}/results`, { awards: [{ memberId: 'c-3', award: 'Giải nhất' }], ...why() }))).body.rule).toBe('not-an-entrant');
    const results = await t.admin.post(`/competitions/${c.body.id}/results`, { awards: [{ memberId: 'c-1', award: 'Giải nhất' }, { memberId: 'c-2', award: 'Giải khuyến khích' }], ...why() });
    expect(results.status).toBe(201);
    expect((await t.refusedUnchanged(422, () => t.admin.post(`/competitions/${c.body.id}/results`, { awards: [], ...why() }))).body.rule).toBe('results-published');
    const read = await t.admin.get(`/competitions/${c.body.id}?minPosition=${results.body.position}`);
    expect(read.body).toMatchObject({ id: c.body.id, organiserUnitId: 'qp', status: 'awarded', entrants: ['c-1', 'c-2'], awards: [{ memberId: 'c-1', award: 'Giải nhất' }, { memberId: 'c-2', award: 'Giải khuyến khích' }] });
    expect(read.headers.etag).toBe('"2"');
    // Published for commendations: the event carries the awards with the organiser and the day.
    const published = (await t.trainingLog.readStream(`competition-${c.body.id}`)).pop()!;
    expect(published).toMatchObject({ type: 'CompetitionAwarded', data: { organiserUnitId: 'qp', heldOn: '2025-03-20', awards: [{ memberId: 'c-1', award: 'Giải nhất' }, { memberId: 'c-2', award: 'Giải khuyến khích' }] } });
    expect((await t.admin.get('/competitions?organiserUnitId=na&year=2025')).body.items).toEqual([expect.objectContaining({ id: c.body.id })]);
    // asOf and knownAt (api.md: reads that show state take them): as the register knew it before the results, announced with no awards.
    const beforeResults = new Date(new Date(published.recordedAt).getTime() - 1).toISOString();
    const then = await t.admin.get(`/competitions/${c.body.id}?knownAt=${beforeResults}`);
    expect([then.status, then.body.status, then.body.awards, then.headers.etag]).toEqual([200, 'announced', [], '"1"']);
    expect((await t.admin.get(`/competitions?organiserUnitId=na&year=2025&knownAt=${beforeResults}`)).body.items).toEqual([expect.objectContaining({ id: c.body.id, status: 'announced' })]);
    const announced = (await t.trainingLog.readStream(`competition-${c.body.id}`))[0];
    const beforeAnnounced = new Date(new Date(announced.recordedAt).getTime() - 1).toISOString();
    expect((await t.admin.get(`/competitions?organiserUnitId=na&year=2025&knownAt=${beforeAnnounced}`)).body.items).toEqual([]);
    expect((await t.admin.get(`/competitions/${c.body.id}?knownAt=${beforeAnnounced}`)).status).toBe(404);
  });

  it('assigns several mentors to a branch, ends one, and ends the others when the branch is merged away, on the merger’s day', async () => {
    const a1 = await t.admin.post('/mentor-assignments', { branchId: 'b-1', mentorMemberId: 'mentor-1', startsOn: '2025-07-01', ...why() });
    const a2 = await t.admin.post('/mentor-assignments', { branchId: 'b-1', mentorMemberId: 'mentor-2', startsOn: '2025-07-01', ...why() });
    const a3 = await t.admin.post('/mentor-assignments', { branchId: 'b-2', mentorMemberId: 'mentor-2', startsOn: '2025-07-01', ...why() });
    expect([a1.status, a2.status, a3.status]).toEqual([201, 201, 201]);
    expect((await t.refusedUnchanged(422, () => t.admin.post('/mentor-assignments', { branchId: 'b-1', mentorMemberId: 'nobody', startsOn: '2025-07-01', ...why() }))).body.rule).toBe('not-an-active-member');
    const ended = await t.admin.post(`/mentor-assignments/${a2.body.id}/ending`, { endsOn: '2025-09-30', ...why('hết nhiệm vụ') });
    expect(ended.status).toBe(201);
    expect((await t.refusedUnchanged(422, () => t.admin.post(`/mentor-assignments/${a2.body.id}/ending`, { endsOn: '2025-10-30', ...why() }))).body.rule).toBe('assignment-ended');
    const mentors = await t.admin.get(`/branches/b-1/mentors?minPosition=${ended.body.position}`);
    expect(mentors.body.items.map((m: { mentorMemberId: string; status: string; endsOn: string | null }) => [m.mentorMemberId, m.status, m.endsOn])).toEqual([
      ['mentor-1', 'active', null],
      ['mentor-2', 'ended', '2025-09-30'],
    ]);
    const merger = await t.admin.post('/branch-mergers', { sourceBranchIds: ['b-1'], into: { branchId: 'b-2' }, ...why('sáp nhập bản', '2025-12-01') });
    expect(merger.status).toBe(201);
    await t.sync();
    await t.sync(); // a second hand-over of the same events appends nothing more
    const after = await t.admin.get(`/branches/b-1/mentors?minPosition=${await t.trainingLog.headPosition()}`);
    expect(after.body.items.map((m: { mentorMemberId: string; endsOn: string; cause: string }) => [m.mentorMemberId, m.endsOn, m.cause])).toEqual([
      ['mentor-1', '2025-12-01', 'merger'],
      ['mentor-2', '2025-09-30', 'ended'],
    ]);
    const endings = (await t.trainingLog.readAll(0, 10_000)).filter((e) => e.type === 'MentorAssignmentEnded');
    expect(endings.map((e) => [e.metadata.actor, (e.data as { cause: string }).cause])).toEqual([['admin', 'ended'], ['training.org-reactions', 'merger']]);
    // The successor keeps its own mentor; asOf a day before the merger, b-1 still had mentor-1 (mentor-2's assignment had ended).
    expect((await t.admin.get('/branches/b-2/mentors')).body.items).toEqual([expect.objectContaining({ mentorMemberId: 'mentor-2', status: 'active' })]);
    const before = (await t.admin.get('/branches/b-1/mentors?asOf=2025-11-30')).body.items.map((m: { mentorMemberId: string; status: string; endsOn: string; cause: string }) => [m.mentorMemberId, m.status, m.endsOn, m.cause]);
    // mentor-1's end (the merger's, on 1 December) is to come that day: its day shows, no cause (a probe read "active" beside "merger").
    expect(before).toEqual([['mentor-1', 'active', '2025-12-01', null], ['mentor-2', 'ended', '2025-09-30', 'ended']]);
    expect((await t.refusedUnchanged(422, () => t.admin.post('/mentor-assignments', { branchId: 'b-1', mentorMemberId: 'mentor-1', startsOn: '2025-12-05', ...why() }))).body.rule).toBe('branch-closed');
  });

  it('ends the assignments of a branch split or dissolved, on the effective day, with that cause', async () => {
    expect((await t.admin.post('/branches', { id: 'b-4', parentUnitId: 'xa-2', name: 'Chi đoàn bản Huồi Mới', area: { kind: 'village', name: 'Huồi Mới' }, ...why('thành lập', '2025-01-01') })).status).toBe(201);
    await admit(t.admin, 'b-3', ['ns-1', 'ns-2']);
    await t.sync();
    // Organisation's people replica learns b-3's members, as its consumer of personnel's topic would: a split divides them.
    const people = t.gw.app.get(PeopleReplica);
    for (const e of await t.gw.app.get<EventStore>(PERSONNEL_LOG).readAll(0, 10_000)) applyPersonnelEvent(people, e);
    for (const [branchId, mentorMemberId] of [['b-3', 'mentor-1'], ['b-4', 'mentor-2']]) {
      expect((await t.admin.post('/mentor-assignments', { branchId, mentorMemberId, startsOn: '2025-07-01', ...why() })).status).toBe(201);
    }
    const split = await t.admin.post('/branch-splits', { sourceBranchId: 'b-3', parts: [{ name: 'Chi đoàn bản Na Sành Trên', memberIds: ['ns-1'] }, { name: 'Chi đoàn bản Na Sành Dưới', memberIds: ['ns-2'] }], ...why('chia tách bản', '2025-10-01') });
    const dissolved = await t.admin.post('/branches/b-4/dissolution', why('giải thể', '2025-11-01'));
    expect([split.status, dissolved.status]).toEqual([201, 201]);
    await t.sync();
    const head = await t.trainingLog.headPosition();
    const mentors = async (branchId: string) => (await t.admin.get(`/branches/${branchId}/mentors?minPosition=${head}`)).body.items.map((m: { mentorMemberId: string; status: string; endsOn: string; cause: string }) => [m.mentorMemberId, m.status, m.endsOn, m.cause]);
    expect({ split: await mentors('b-3'), dissolved: await mentors('b-4') }).toEqual({ split: [['mentor-1', 'ended', '2025-10-01', 'split']], dissolved: [['mentor-2', 'ended', '2025-11-01', 'dissolution']] });
  });

  it("reads an assignment whose endsOn has passed as ended today, though no ending was recorded, and active on a day it ran; refuses the mentor twice for days already covered (409)", async () => {
    const a = await t.admin.post('/mentor-assignments', { branchId: 'b-2', mentorMemberId: 'mentor-1', startsOn: '2025-02-01', endsOn: '2025-06-30', ...why() });
    expect(a.status).toBe(201);
    const statusOf = async (query: string) => {
      const r = await t.admin.get(`/branches/b-2/mentors?minPosition=${a.body.position}${query}`);
      // A day before the branch stood is 404, as the branch's own read is.
      return r.status === 200 ? r.body.items.find((m: { assignmentId: string }) => m.assignmentId === a.body.id)?.status : r.status;
    };
    expect({ before: await statusOf('&asOf=2024-12-31'), then: await statusOf('&asOf=2025-03-01'), after: await statusOf('&asOf=2025-06-30'), today: await statusOf(''), todayAsOf: await statusOf(`&asOf=${new Date().toISOString().slice(0, 10)}`) }).toEqual({
      before: 404,
      then: 'active',
      after: 'ended',
      today: 'ended',
      todayAsOf: 'ended',
    });
    // The same mentor for the same branch on days already covered is a duplicate; from the day it ended, a new assignment.
    expect((await t.refusedUnchanged(409, () => t.admin.post('/mentor-assignments', { branchId: 'b-2', mentorMemberId: 'mentor-1', startsOn: '2025-06-01', ...why() }))).body.rule).toBe('already-assigned');
    expect((await t.admin.post('/mentor-assignments', { branchId: 'b-2', mentorMemberId: 'mentor-1', startsOn: '2025-06-30', endsOn: '2025-12-31', ...why() })).status).toBe(201);
  });

  it('a merger that reaches training while an assignment to its branch is being decided waits for it, and ends it (found by a black-box probe)', async () => {
    const id = 'b-race';
    expect((await t.admin.post('/branches', { id, parentUnitId: 'xa-2', name: 'Chi đoàn bản Đua', area: { kind: 'village', name: 'Đua' }, ...why('thành lập', '2025-01-01') })).status).toBe(201);
    await t.sync();
    expect((await t.admin.post('/branch-mergers', { sourceBranchIds: [id], into: { branchId: 'b-2' }, ...why('sáp nhập', '2026-01-01') })).status).toBe(201);
    // An assignment in the branch's turn: it found the branch open, and appends while the merger arrives.
    let release = () => {};
    const decided = new Promise<void>((resolve) => (release = resolve));
    const assigning = t.gw.app.get(MentorTurns).through([MentorTurns.of(id)], () => decided);
    const syncing = t.sync();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const assignment = { assignmentId: 'ma-race', branchId: id, mentorMemberId: 'mentor-2', startsOn: '2025-03-01', endsOn: null };
    await t.trainingLog.append(mentorAssignmentStream('ma-race'), [anEvent('MentorAssigned', assignment)], 'no_stream');
    release();
    await Promise.all([assigning, syncing]);
    const mentors = (await t.admin.get(`/branches/${id}/mentors?minPosition=${await t.trainingLog.headPosition()}`)).body.items as Array<{ assignmentId: string; status: string; cause: string }>;
    expect(mentors.map((m) => [m.assignmentId, m.status, m.cause])).toEqual([['ma-race', 'ended', 'merger']]);
  });

  it('the same mentor assigned to one branch six times at the same instant: one 201, five 409 already-assigned (found by a black-box probe)', async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => t.admin.post('/mentor-assignments', { branchId: 'b-2', mentorMemberId: 'mentor-1', startsOn: '2026-02-01', ...why('phân công') })));
    expect(answers.map((a) => `${a.status} ${a.body.rule ?? ''}`).sort()).toEqual(['201 ', ...Array(5).fill('409 already-assigned')]);
  });
});
