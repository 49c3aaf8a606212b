import { applyPersonnelEvent } from '../../services/organisation/src/people/personnel-events';
import { PeopleReplica } from '../../services/organisation/src/people/people-replica';
import { SubjectsReplica } from '../../services/evaluation/src/application/subjects-replica';
import { Gateway, startSeeded, why } from '../gateway/gateway-app';

jest.setTimeout(120_000);

/**
 * A member's leaving dated before a branch merger recorded already (embedded, through HTTP). The
 * merger moved them into its successor; their leaving, recorded after it, is dated before it. A
 * probe found it taken in the successor, a branch never theirs, and the summary miscounting; it was
 * then refused. It now takes the merger's move back for them: they leave the union from the branch
 * they were in that day, and stay there. A transfer dated before it, refused until then too, is
 * taken the same way.
 */
describe('a leaving dated before a branch merger recorded already (embedded)', () => {
  let gw: Gateway;
  let admin: ReturnType<Gateway['api']>;
  let successor = '';
  let position = 0;

  beforeAll(async () => {
    ({ gw, admin } = await startSeeded());
    await gw.syncPersonnel();
    for (const [id, branchId] of [['m-a', 'b-1'], ['m-b', 'b-2']]) {
      const r = await admin.post('/members', { id, branchId, fullName: `Lò Văn ${id}`, dateOfBirth: '2001-05-10', gender: 'male', admittedOn: '2024-02-01', ...why('kết nạp', '2024-02-01') });
      expect([r.status, r.body.detail]).toEqual([201, undefined]);
    }
    const merged = await admin.post('/branch-mergers', { sourceBranchIds: ['b-1', 'b-2'], into: { name: 'Chi đoàn bản Mường Phú Pục', area: { kind: 'village', name: 'Mường Phú Pục' } }, ...why('sáp nhập bản', '2025-03-01') });
    expect([merged.status, merged.body.detail]).toEqual([201, undefined]);
    successor = merged.body.id;
    await gw.syncPersonnel();
  });
  afterAll(() => gw?.close());

  it('takes the leaving dated before the merger, from the branch the member was in, and takes the move back', async () => {
    expect((await admin.get('/members/m-a')).body.branchId).toBe(successor);
    const left = await admin.post('/members/m-a/status-changes', { status: 'left', ...why('chuyển đi nơi khác', '2025-02-10') });
    expect([left.status, left.body.detail]).toEqual([201, undefined]);
    position = left.body.position;
    const on = async (asOf?: string) => {
      const m = (await admin.get(`/members/m-a?minPosition=${position}${asOf ? `&asOf=${asOf}` : ''}`)).body;
      return [m.branchId, m.status];
    };
    expect([await on('2025-02-01'), await on('2025-02-10'), await on('2025-03-01'), await on()]).toEqual([
      ['b-1', 'active'],
      ['b-1', 'left'],
      ['b-1', 'left'],
      ['b-1', 'left'],
    ]);
    const history = (await admin.get('/members/m-a/history')).body.items.map((e: { type: string }) => e.type);
    expect(history.slice(-2)).toEqual(['MemberStatusChanged', 'MemberMoveTakenBack']);
  });

  it('lists them, left, in their own branch, not in the successor, on every day since', async () => {
    const ids = async (branchId: string, asOf?: string) => (await admin.get(`/members?branchId=${branchId}&status=left&minPosition=${position}${asOf ? `&asOf=${asOf}` : ''}`)).body.items.map((m: { id: string }) => m.id);
    expect([await ids('b-1'), await ids(successor), await ids('b-1', '2025-04-01'), await ids(successor, '2025-04-01')]).toEqual([['m-a'], [], ['m-a'], []]);
  });

  it('counts them in the summary until their leaving, and nowhere after', async () => {
    const total = async (asOf: string) => (await admin.get(`/reports/units/xa-1/summary?year=2025&asOf=${asOf}&minPosition=personnel:${position}`)).body.members.total;
    expect([await total('2025-02-09'), await total('2025-02-10'), await total('2025-03-01')]).toEqual([2, 1, 1]);
  });

  it('takes a transfer dated before the merger too, out of the branch the member was in that day, and takes the move back', async () => {
    const transfer = await admin.post('/members/m-b/transfers', { toBranchId: 'b-3', duesSettledUpTo: '2025-02-28', ...why('chuyển sinh hoạt', '2025-02-10') });
    expect([transfer.status, transfer.body.detail]).toEqual([201, undefined]);
    const at = transfer.body.position;
    const branchOn = async (asOf: string) => (await admin.get(`/members/m-b?minPosition=${at}&asOf=${asOf}`)).body.branchId;
    expect([await branchOn('2025-02-09'), await branchOn('2025-02-10'), await branchOn('2025-03-01'), (await admin.get('/members/m-b')).body.branchId]).toEqual(['b-2', 'b-3', 'b-3', 'b-3']);
    const history = (await admin.get('/members/m-b/history')).body.items.map((e: { type: string }) => e.type);
    expect(history.slice(-2)).toEqual(['MemberTransferred', 'MemberMoveTakenBack']);
    // Nobody is left in the successor, on any day; b-2 had m-b until the transfer's day, b-3 since.
    const ids = async (branchId: string, asOf?: string) => (await admin.get(`/members?branchId=${branchId}&minPosition=${at}${asOf ? `&asOf=${asOf}` : ''}`)).body.items.map((m: { id: string }) => m.id);
    expect([await ids(successor), await ids(successor, '2025-04-01'), await ids('b-2', '2025-02-09'), await ids('b-2', '2025-04-01'), await ids('b-3', '2025-02-10'), await ids('b-3', '2025-04-01'), await ids('b-3')]).toEqual([[], [], ['m-b'], [], ['m-b'], ['m-b'], ['m-b']]);
    const total = async (unit: string, asOf: string) => (await admin.get(`/reports/units/${unit}/summary?year=2025&asOf=${asOf}&minPosition=personnel:${at}`)).body.members.total;
    expect([await total('xa-1', '2025-02-09'), await total('xa-1', '2025-03-01'), await total('xa-2', '2025-02-09'), await total('xa-2', '2025-03-01')]).toEqual([2, 0, 0, 1]);
    // Organisation's people follow: the successor has had nobody since the merger, b-3 has m-b.
    // The relay is off in this app: organisation's people replica is handed personnel's log once, as its consumer would be.
    const people = gw.app.get(PeopleReplica);
    for (const e of await gw.personnelStore.readAll(0, 100_000)) applyPersonnelEvent(people, e);
    const withMembers = async (asOf?: string) => (await admin.get(`/branches?hasMembers=true&status=active${asOf ? `&asOf=${asOf}` : ''}`)).body.items.map((b: { id: string }) => b.id).sort();
    expect([await withMembers(), await withMembers('2025-04-01'), await withMembers('2025-02-12')]).toEqual([['b-3'], ['b-3'], ['b-3']]);
    // Evaluation places m-b as training does: in b-2 until the transfer, in b-3 since (a member rating is filed where they were).
    await gw.syncEvaluation();
    const stays = gw.app.get(SubjectsReplica).spansOf('member', 'm-b');
    expect(stays.map((st) => [st.branchId, st.from, st.to])).toEqual([['b-2', '2024-02-01', '2025-02-10'], ['b-3', '2025-02-10', null]]);
    // Moved again, to a branch of xa-1, still before the merger (a probe found the take-back's day placing m-b back in b-3 in
    // organisation's people and the summary): every read follows the member's own changes.
    const b4 = await admin.post('/branches', { parentUnitId: 'xa-1', name: 'Chi đoàn thôn Nà Cà', area: { kind: 'village', name: 'Nà Cà' }, ...why('thành lập', '2024-01-01') });
    expect([b4.status, b4.body.detail]).toEqual([201, undefined]);
    await gw.syncPersonnel();
    const again = await admin.post('/members/m-b/transfers', { toBranchId: b4.body.id, duesSettledUpTo: '2025-02-28', ...why('chuyển sinh hoạt', '2025-02-20') });
    expect([again.status, again.body.detail]).toEqual([201, undefined]);
    for (const e of await gw.personnelStore.readAll(at, 100_000)) applyPersonnelEvent(people, e);
    expect([await withMembers(), await withMembers('2025-04-01'), await withMembers('2025-02-12')]).toEqual([[b4.body.id], [b4.body.id], ['b-3']]);
    const later = again.body.position;
    const totalNow = async (unit: string, asOf: string) => (await admin.get(`/reports/units/${unit}/summary?year=2025&asOf=${asOf}&minPosition=personnel:${later}`)).body.members.total;
    expect([await totalNow('xa-1', '2025-02-12'), await totalNow('xa-1', '2025-03-01'), await totalNow('xa-2', '2025-02-12'), await totalNow('xa-2', '2025-03-01')]).toEqual([0, 1, 1, 0]);
    await gw.syncEvaluation();
    expect(gw.app.get(SubjectsReplica).spansOf('member', 'm-b').map((st) => [st.branchId, st.from, st.to])).toEqual([['b-2', '2024-02-01', '2025-02-10'], ['b-3', '2025-02-10', '2025-02-20'], [b4.body.id, '2025-02-20', null]]);
    // A going away dated then is taken, as before.
    expect((await admin.post('/members/m-b/status-changes', { status: 'away-work', ...why('đi làm ăn xa', '2025-02-10') })).status).toBe(201);
  });
});
