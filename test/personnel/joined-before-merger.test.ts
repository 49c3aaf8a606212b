import { applyPersonnelEvent } from '../../services/organisation/src/people/personnel-events';
import { PeopleReplica } from '../../services/organisation/src/people/people-replica';
import { SubjectsReplica } from '../../services/evaluation/src/application/subjects-replica';
import { Gateway, startSeeded, why } from '../gateway/gateway-app';

jest.setTimeout(120_000);

/**
 * A member who joined a branch before its merger, recorded after the merger (embedded, through
 * HTTP): a transfer into it, or an admission, dated before the merger's day. A probe found both
 * refused whatever the day (`branch-not-active`, the successor `branch-not-yet-formed`), so such a
 * member could not be recorded at all. Now they are taken, and move with the merger on its day, as
 * its other members did; on or after its day the closed branch still takes no one.
 */
describe('joining a branch before its merger, recorded after it (embedded)', () => {
  let gw: Gateway;
  let admin: ReturnType<Gateway['api']>;
  let successor = '';

  beforeAll(async () => {
    ({ gw, admin } = await startSeeded());
    await gw.syncPersonnel();
    const r = await admin.post('/members', { id: 'm-c', branchId: 'b-3', fullName: 'Lò Thị Cúc', dateOfBirth: '2001-05-10', gender: 'female', admittedOn: '2024-02-01', ...why('kết nạp', '2024-02-01') });
    expect([r.status, r.body.detail]).toEqual([201, undefined]);
    const merged = await admin.post('/branch-mergers', { sourceBranchIds: ['b-1', 'b-2'], into: { name: 'Chi đoàn bản Mường Phú Pục', area: { kind: 'village', name: 'Mường Phú Pục' } }, ...why('sáp nhập bản', '2025-03-01') });
    expect([merged.status, merged.body.detail]).toEqual([201, undefined]);
    successor = merged.body.id;
    await gw.syncPersonnel();
  });
  afterAll(() => gw?.close());

  it('takes a transfer into a merged branch dated before the merger, and moves the member with the merger on its day', async () => {
    const transfer = await admin.post('/members/m-c/transfers', { toBranchId: 'b-1', duesSettledUpTo: '2025-02-28', ...why('chuyển sinh hoạt về bản', '2025-02-10') });
    expect([transfer.status, transfer.body.detail]).toEqual([201, undefined]);
    const at = transfer.body.position;
    const branchOn = async (asOf?: string) => (await admin.get(`/members/m-c?minPosition=${at}${asOf ? `&asOf=${asOf}` : ''}`)).body.branchId;
    expect([await branchOn('2025-02-09'), await branchOn('2025-02-10'), await branchOn('2025-02-28'), await branchOn('2025-03-01'), await branchOn()]).toEqual(['b-3', 'b-1', 'b-1', successor, successor]);
    const history = (await admin.get('/members/m-c/history')).body.items.map((e: { type: string; data: { cause?: string } }) => `${e.type}:${e.data.cause ?? ''}`);
    expect(history.slice(-2)).toEqual(['MemberTransferred:transfer', 'MemberTransferred:merger']);
    const ids = async (branchId: string, asOf?: string) => (await admin.get(`/members?branchId=${branchId}&minPosition=${at}${asOf ? `&asOf=${asOf}` : ''}`)).body.items.map((m: { id: string }) => m.id);
    expect([await ids('b-1', '2025-02-12'), await ids('b-3', '2025-02-12'), await ids(successor), await ids('b-3')]).toEqual([['m-c'], [], ['m-c'], []]);
    const total = async (unit: string, asOf: string) => (await admin.get(`/reports/units/${unit}/summary?year=2025&asOf=${asOf}&minPosition=personnel:${at}`)).body.members.total;
    expect([await total('xa-1', '2025-02-09'), await total('xa-1', '2025-02-12'), await total('xa-1', '2025-03-01'), await total('xa-2', '2025-02-12')]).toEqual([0, 1, 1, 0]);
    // Organisation's people and evaluation's subjects follow (fed as their consumers would be: the relay is off in this app).
    const people = gw.app.get(PeopleReplica);
    for (const e of await gw.personnelStore.readAll(0, 100_000)) applyPersonnelEvent(people, e);
    const withMembers = async (asOf?: string) => (await admin.get(`/branches?hasMembers=true${asOf ? `&asOf=${asOf}` : ''}`)).body.items.map((b: { id: string }) => b.id).sort();
    expect([await withMembers('2025-02-09'), await withMembers('2025-02-12'), await withMembers()]).toEqual([['b-3'], ['b-1'], [successor]]);
    await gw.syncEvaluation();
    expect(gw.app.get(SubjectsReplica).spansOf('member', 'm-c').map((st) => [st.branchId, st.from, st.to])).toEqual([['b-3', '2024-02-01', '2025-02-10'], ['b-1', '2025-02-10', '2025-03-01'], [successor, '2025-03-01', null]]);
  });

  it('appoints the member who joined before the merger as the merged branch\'s secretary from a day before it: the post ends with the merger', async () => {
    const body = { memberId: 'm-c', role: 'secretary', method: 'appointed', source: 'teacher', startsOn: '2025-02-15', ...why('chỉ định bí thư', '2025-02-15') };
    const r = await admin.post('/branches/b-1/officer-appointments', body);
    expect([r.status, r.body.detail]).toEqual([201, undefined]);
    const officers = async (asOf: string) => (await admin.get(`/branches/b-1/officers?asOf=${asOf}&minPosition=${r.body.position}`)).body;
    const held = (answer: { items?: Array<{ memberId: string; role: string }> } | Array<{ memberId: string; role: string }>) => (Array.isArray(answer) ? answer : (answer.items ?? [])).map((o) => `${o.memberId}:${o.role}`);
    expect([held(await officers('2025-02-20')), held(await officers('2025-03-01'))]).toEqual([['m-c:secretary'], []]);
    const auditor = gw.api(await gw.bearer({ sub: 'auditor', roles: ['auditor'] }));
    const history = (await auditor.get('/audit/entities/member/m-c/history')).body.changes.map((e: { type: string; data: { cause?: string } }) => `${e.type}:${e.data?.cause ?? ''}`);
    expect(history.slice(-2)).toEqual(['OfficerAppointed:', 'OfficerDeparted:merger']);
    // Organisation's people: b-1 had a secretary on that day, and none on the merger's.
    const people = gw.app.get(PeopleReplica);
    for (const e of await gw.personnelStore.readAll(0, 100_000)) applyPersonnelEvent(people, e);
    const withSecretary = async (asOf: string) => (await admin.get(`/branches?hasSecretary=true&asOf=${asOf}`)).body.items.map((b: { id: string }) => b.id);
    expect([await withSecretary('2025-02-20'), await withSecretary('2025-03-01')]).toEqual([['b-1'], []]);
    // One who was not in the branch on the merger's eve (m-c was not in b-2) is refused, naming that day.
    const elsewhere = await admin.post('/branches/b-2/officer-appointments', { ...body, role: 'deputy-secretary' });
    expect([elsewhere.status, elsewhere.body.rule]).toEqual([422, 'member-not-in-branch']);
    // m-c's post, ended by the merger, overlaps a second one in the same branch (a review found a secretary made deputy too).
    const twice = await admin.post('/branches/b-1/officer-appointments', { ...body, role: 'deputy-secretary', startsOn: '2025-02-20' });
    expect([twice.status, twice.body.rule]).toEqual([409, 'member-already-officer']);
  });

  it("counts a merged branch's members on the post's day, not today's (none): two deputies in a branch of nine (a review found every merged branch counted small)", async () => {
    const nine = Array.from({ length: 9 }, (_, i) => ({ id: `m-n${i}`, branchId: 'b-2', fullName: `Hà Thị Ngân ${i}`, dateOfBirth: '2003-04-0' + (i + 1), gender: 'female', admittedOn: '2025-01-10' }));
    const batch = await admin.post('/admission-batches', { reason: 'kết nạp đoàn viên', members: nine });
    expect([batch.status, batch.body.items.map((i: { status: number }) => i.status)]).toEqual([200, Array(9).fill(201)]);
    const deputy = (memberId: string) => admin.post('/branches/b-2/officer-appointments', { memberId, role: 'deputy-secretary', method: 'appointed', source: 'teacher', startsOn: '2025-02-01', ...why('chỉ định phó bí thư', '2025-02-01') });
    const [first, second] = [await deputy('m-n0'), await deputy('m-n1')];
    expect([first.status, first.body.detail, second.status, second.body.detail]).toEqual([201, undefined, 201, undefined]);
  });

  it('takes an admission into a merged branch dated before the merger, the member moving with it', async () => {
    const r = await admin.post('/members', { id: 'm-d', branchId: 'b-2', fullName: 'Vi Văn Đức', dateOfBirth: '2002-08-19', gender: 'male', admittedOn: '2025-01-15', ...why('kết nạp', '2025-01-15') });
    expect([r.status, r.body.detail]).toEqual([201, undefined]);
    const branchOn = async (asOf?: string) => (await admin.get(`/members/m-d?minPosition=${r.body.position}${asOf ? `&asOf=${asOf}` : ''}`)).body.branchId;
    expect([await branchOn('2025-01-15'), await branchOn('2025-03-01'), await branchOn()]).toEqual(['b-2', successor, successor]);
  });

  it('still refuses joining the merged branch on or after the merger\'s day, saying a member who joined before it is taken', async () => {
    const admission = await admin.post('/members', { id: 'm-e', branchId: 'b-1', fullName: 'Lò Văn Em', dateOfBirth: '2002-08-19', gender: 'male', admittedOn: '2025-03-01', ...why('kết nạp', '2025-03-01') });
    const transfer = await admin.post('/members/m-c/transfers', { toBranchId: 'b-2', duesSettledUpTo: '2025-04-30', ...why('chuyển sinh hoạt', '2025-04-01') });
    expect([admission.status, admission.body.rule, transfer.status, transfer.body.rule]).toEqual([422, 'branch-not-active', 422, 'branch-not-active']);
    expect(admission.body.detail).toContain('joined it before a merger is taken');
    // Dated before the merger but in force only after it (effectiveDate): it would place the member in the closed branch (a probe's did).
    const inForceAfter = await admin.post('/members', { id: 'm-f', branchId: 'b-2', fullName: 'Lò Văn Phúc', dateOfBirth: '2002-08-19', gender: 'male', admittedOn: '2025-02-01', reason: 'kết nạp', effectiveDate: '2025-03-05' });
    expect([inForceAfter.status, inForceAfter.body.rule, inForceAfter.body.field]).toEqual([422, 'branch-not-active', 'effectiveDate']);
    expect((await admin.get('/members/m-f')).status).toBe(404);
  });
});
