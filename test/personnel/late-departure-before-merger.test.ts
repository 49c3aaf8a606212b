import { applyPersonnelEvent } from '../../services/organisation/src/people/personnel-events';
import { PeopleReplica } from '../../services/organisation/src/people/people-replica';
import { Gateway, refusedUnchanged, startSeeded, why } from '../gateway/gateway-app';

jest.setTimeout(120_000);

/**
 * A secretary who left the union before a branch merger recorded already (embedded, through HTTP).
 * The merger ended their post on its day. A probe found them recordable neither leaving (the post
 * covered the day: member-holds-post) nor departing from it (the post had ended: not-an-officer).
 * A departure dated before the merger now brings the post's end forward
 * (OfficerDepartureBroughtForward), and the leaving is then taken, the merger's move taken back.
 */
describe('a secretary who left before a branch merger recorded already (embedded)', () => {
  let gw: Gateway;
  let admin: ReturnType<Gateway['api']>;
  let position = 0;

  beforeAll(async () => {
    ({ gw, admin } = await startSeeded());
    await gw.syncPersonnel();
    const r = await admin.post('/members', { id: 'm-s', branchId: 'b-1', fullName: 'Lường Thị Sương', dateOfBirth: '1999-04-12', gender: 'female', admittedOn: '2025-01-05', ...why('kết nạp', '2025-01-05') });
    expect([r.status, r.body.detail]).toEqual([201, undefined]);
    const appointed = await admin.post('/branches/b-1/officer-appointments', { memberId: 'm-s', role: 'secretary', method: 'appointed', source: 'teacher', startsOn: '2025-01-15', reason: 'chỉ định' });
    expect([appointed.status, appointed.body.detail]).toEqual([201, undefined]);
    const merged = await admin.post('/branch-mergers', { sourceBranchIds: ['b-1', 'b-2'], into: { name: 'Chi đoàn bản Na Khum', area: { kind: 'village', name: 'Na Khum' } }, ...why('sáp nhập bản', '2025-06-01') });
    expect([merged.status, merged.body.detail]).toEqual([201, undefined]);
    await gw.syncPersonnel();
  });
  afterAll(() => gw?.close());

  it('refuses the leaving while the post covers its day, then takes a departure dated before the merger, and the leaving after it', async () => {
    const early = await refusedUnchanged(gw, 422, () => admin.post('/members/m-s/status-changes', { status: 'left', ...why('chuyển đi nơi khác', '2025-04-10') }));
    expect(early.body.rule).toBe('member-holds-post');
    const departed = await admin.post('/branches/b-1/officer-departures', { memberId: 'm-s', endsOn: '2025-04-10', cause: 'resigned', reason: 'thôi giữ chức' });
    expect([departed.status, departed.body.detail]).toEqual([201, undefined]);
    const left = await admin.post('/members/m-s/status-changes', { status: 'left', ...why('chuyển đi nơi khác', '2025-04-10') });
    expect([left.status, left.body.detail]).toEqual([201, undefined]);
    position = left.body.position;
  });

  it('shows the post ended on the departure\'s day, for its own cause, in the officers, the career and the summary', async () => {
    const officers = async (asOf: string) => (await admin.get(`/branches/b-1/officers?asOf=${asOf}&minPosition=${position}`)).body.items.map((o: { memberId: string }) => o.memberId);
    expect([await officers('2025-04-09'), await officers('2025-04-10'), await officers('2025-05-28')]).toEqual([['m-s'], [], []]);
    const secretaries = async (asOf: string) => (await admin.get(`/reports/units/xa-1/summary?year=2025&asOf=${asOf}&minPosition=personnel:${position}`)).body.secretaries.total;
    expect([await secretaries('2025-04-09'), await secretaries('2025-04-10')]).toEqual([1, 0]);
    const turnover = (await admin.get(`/reports/units/xa-1/secretary-turnover?from=2025-01-01&to=2025-12-31&minPosition=${position}`)).body;
    expect(turnover.departures.byCause).toMatchObject({ resigned: 1, merger: 0 });
  });

  it('has organisation know the branch had no secretary from that day', async () => {
    const people = gw.app.get(PeopleReplica);
    for (const e of await gw.personnelStore.readAll(0, 100_000)) applyPersonnelEvent(people, e);
    const withSecretary = async (asOf: string) => (await admin.get(`/branches?hasSecretary=true&asOf=${asOf}`)).body.items.map((b: { id: string }) => b.id);
    expect([await withSecretary('2025-04-09'), await withSecretary('2025-04-12')]).toEqual([['b-1'], []]);
  });
});
