import { API_PREFIX, Clock } from '@register/service-kit';
import { applicant, csvOf, multipartBody } from '../support/member-import-files';
import { applyPersonnelEvent } from '../../services/organisation/src/people/personnel-events';
import { PeopleReplica } from '../../services/organisation/src/people/people-replica';
import { PERSONNEL_STORE } from '../../services/personnel/src/application/tokens';
import { EventStore } from '@register/event-sourcing';
import { Gateway, startSeeded } from '../gateway/gateway-app';

/**
 * Issue 16, point 1: a change whose effective date is after today is pending until its day. Today's
 * answer and the answer `asOf` today agree, and the change shows on its day. "Today" is the
 * application's Clock, held at 2025-06-01 and moved forward; the seeded branches date from 2025-01-01.
 */
describe('future-dated changes are pending until their day (personnel, embedded)', () => {
  let gw: Gateway;
  let admin: ReturnType<Gateway['api']>;
  let clock: Clock;
  const TODAY = '2025-06-01';

  beforeAll(async () => {
    ({ gw, admin } = await startSeeded());
    await gw.syncPersonnel();
    clock = gw.app.get(Clock);
    clock.setTo(TODAY);
  });

  afterAll(async () => {
    await gw?.close();
  });

  const head = async () => gw.app.get<EventStore>(PERSONNEL_STORE).headPosition();
  const created = (r: { status: number; raw: string }) => expect(r.status === 201 ? 201 : r.raw).toBe(201);
  const admit = (id: string, branchId: string, over: Record<string, unknown> = {}) =>
    admin.post('/members', { id, branchId, fullName: `Lò Văn ${id}`, dateOfBirth: '2000-03-01', gender: 'male', admittedOn: '2025-02-01', reason: 'kết nạp', ...over });
  /** GET path today and asOf today: the two answers, with the day the clock says. */
  const todayAndAsOf = async (path: string) => {
    const sep = path.includes('?') ? '&' : '?';
    const now = await admin.get(`${path}${sep}minPosition=${await head()}`);
    const then = await admin.get(`${path}${sep}asOf=${clock.today()}`);
    return { now, then };
  };
  const memberIn = async (id: string) => {
    const { now, then } = await todayAndAsOf(`/members/${id}`);
    expect(now.status).toBe(then.status);
    return now.status === 200 ? { branchId: now.body.branchId, status: now.body.status, asOf: { branchId: then.body.branchId, status: then.body.status } } : now.status;
  };
  const listed = async (query: string) => {
    const { now, then } = await todayAndAsOf(`/members?${query}`);
    const ids = (r: { body: { items: Array<{ id: string; status: string; branchId: string }> } }) => r.body.items.map((m) => `${m.id}:${m.branchId}:${m.status}`).sort();
    expect(ids(now)).toEqual(ids(then));
    return ids(now);
  };
  const officers = async (branchId: string) => {
    const { now, then } = await todayAndAsOf(`/branches/${branchId}/officers`);
    const posts = (r: { body: { items: Array<{ memberId: string; role: string }>; hasSecretary: boolean } }) => ({ hasSecretary: r.body.hasSecretary, posts: r.body.items.map((p) => `${p.memberId}:${p.role}`) });
    expect(posts(now)).toEqual(posts(then));
    return posts(now);
  };

  it('an admission dated next year: not a member today nor asOf today; a member from its day', async () => {
    created(await admit('m-next-year', 'b-3', { admittedOn: '2026-01-10' }));
    expect(await memberIn('m-next-year')).toBe(404);
    // The 404 says why: admitted from a later day, not unknown.
    expect((await admin.get('/members/m-next-year')).body.detail).toBe('member m-next-year is admitted from 2026-01-10: not a member before that day (read it with asOf=2026-01-10)');
    expect(await listed('branchId=b-3')).toEqual([]);
    clock.setTo('2026-01-10');
    expect(await memberIn('m-next-year')).toEqual({ branchId: 'b-3', status: 'active', asOf: { branchId: 'b-3', status: 'active' } });
    expect(await listed('branchId=b-3')).toEqual(['m-next-year:b-3:active']);
    clock.setTo(TODAY);
  });

  it('a coming of age dated next month: active today and asOf today, came-of-age from its day (the status filter too)', async () => {
    created(await admit('m-of-age', 'b-2', { dateOfBirth: '1995-07-01' }));
    created(await admin.post('/members/m-of-age/status-changes', { status: 'came-of-age', reason: 'trưởng thành đoàn', effectiveDate: '2025-07-01' }));
    expect(await memberIn('m-of-age')).toEqual({ branchId: 'b-2', status: 'active', asOf: { branchId: 'b-2', status: 'active' } });
    expect(await listed('branchId=b-2')).toEqual(['m-of-age:b-2:active']);
    expect(await listed('status=came-of-age')).toEqual([]);
    clock.setTo('2025-07-01');
    expect(await memberIn('m-of-age')).toEqual({ branchId: 'b-2', status: 'came-of-age', asOf: { branchId: 'b-2', status: 'came-of-age' } });
    expect(await listed('status=came-of-age')).toEqual(['m-of-age:b-2:came-of-age']);
    clock.setTo(TODAY);
  });

  it('a transfer dated next month: in the old branch today and asOf today, in the new one from its day', async () => {
    created(await admit('m-moving', 'b-1'));
    created(await admin.post('/members/m-moving/transfers', { toBranchId: 'b-2', duesSettledUpTo: '2025-07-31', reason: 'chuyển sinh hoạt', effectiveDate: '2025-07-15' }));
    expect(await memberIn('m-moving')).toEqual({ branchId: 'b-1', status: 'active', asOf: { branchId: 'b-1', status: 'active' } });
    expect(await listed('branchId=b-1')).toContain('m-moving:b-1:active');
    clock.setTo('2025-07-15');
    expect(await memberIn('m-moving')).toEqual({ branchId: 'b-2', status: 'active', asOf: { branchId: 'b-2', status: 'active' } });
    expect(await listed('branchId=b-1')).not.toContain('m-moving:b-1:active');
    clock.setTo(TODAY);
  });

  it('an appointment starting next month is not in post today; a departure dated next month leaves the officer in post until then', async () => {
    created(await admit('m-secretary', 'b-9'));
    created(await admit('m-deputy', 'b-9', { fullName: 'Hà Thị Xuân' }));
    const appoint = (memberId: string, role: string, startsOn: string) =>
      admin.post('/branches/b-9/officer-appointments', { memberId, role, method: 'appointed', source: 'teacher', startsOn, reason: 'chỉ định' });
    created(await appoint('m-deputy', 'deputy-secretary', '2025-03-01'));
    created(await appoint('m-secretary', 'secretary', '2025-07-01'));
    created(await admin.post('/branches/b-9/officer-departures', { memberId: 'm-deputy', endsOn: '2025-07-01', cause: 'relieved', reason: 'miễn nhiệm' }));
    expect(await officers('b-9')).toEqual({ hasSecretary: false, posts: ['m-deputy:deputy-secretary'] });
    clock.setTo('2025-07-01');
    expect(await officers('b-9')).toEqual({ hasSecretary: true, posts: ['m-secretary:secretary'] });
    clock.setTo(TODAY);
  });

  it("the branch directory's hasSecretary and hasMembers today: a departure and a leaving dated next month are not applied yet", async () => {
    created(await admit('m-leaving', 'b-3', { fullName: 'Lò Thị Lả' }));
    created(await admin.post('/branches/b-3/officer-appointments', { memberId: 'm-leaving', role: 'secretary', method: 'appointed', source: 'teacher', startsOn: '2025-03-01', reason: 'chỉ định' }));
    created(await admin.post('/branches/b-3/officer-departures', { memberId: 'm-leaving', endsOn: '2025-07-01', cause: 'resigned', reason: 'thôi giữ chức' }));
    created(await admin.post('/members/m-leaving/status-changes', { status: 'left', reason: 'ra khỏi Đoàn', effectiveDate: '2025-07-01' }));
    // The relay is off in this app: organisation's people replica is handed personnel's log once, as its consumer would be.
    const people = gw.app.get(PeopleReplica);
    for (const e of await gw.personnelStore.readAll(0, 100_000)) applyPersonnelEvent(people, e);
    const listed = async (filter: string) => {
      // Organisation's directory: its own log's positions, not personnel's (todayAndAsOf's minPosition).
      const [now, then] = [await admin.get(`/branches?${filter}`), await admin.get(`/branches?${filter}&asOf=${clock.today()}`)];
      const ids = (r: { body: { items: Array<{ id: string }> } }) => r.body.items.map((b) => b.id).filter((id) => id === 'b-3');
      expect(ids(now)).toEqual(ids(then));
      return ids(now);
    };
    expect(await listed('hasSecretary=true')).toEqual(['b-3']);
    expect(await listed('hasMembers=true')).toEqual(['b-3']);
    clock.setTo('2025-07-01');
    expect(await listed('hasSecretary=true')).toEqual([]);
    expect(await listed('hasMembers=true')).toEqual([]);
    clock.setTo(TODAY);
  });

  it("a branch moving to another commune next month: its members are under the old commune's unitId today and asOf today", async () => {
    created(await admit('m-commune', 'b-2', { fullName: 'Vi Thị Lan' }));
    created(await admin.post('/branches/b-2/moves', { toUnitId: 'xa-2', reason: 'điều chỉnh địa giới', effectiveDate: '2025-07-01' }));
    await gw.syncPersonnel();
    expect(await listed('unitId=xa-1')).toContain('m-commune:b-2:active');
    expect(await listed('unitId=xa-2')).not.toContain('m-commune:b-2:active');
    clock.setTo('2025-07-01');
    expect(await listed('unitId=xa-2')).toContain('m-commune:b-2:active');
    clock.setTo(TODAY);
  });

  it("today's ETag of a member with a pending change is its stream's revision: If-Match with it is accepted", async () => {
    const r = await admin.get('/members/m-moving');
    const etag = String(r.headers.etag);
    created(await admin.post('/members/m-moving/residential-affiliations', { branchId: 'b-3', reason: 'nơi cư trú' }, { 'if-match': etag }));
  });

  it('an appointment is checked against the member on its first day: away then, or arriving later, is refused; active then and now is appointed', async () => {
    created(await admit('m-was-away', 'b-2', { fullName: 'Lương Văn Tâm' }));
    created(await admin.post('/members/m-was-away/status-changes', { status: 'away-work', reason: 'đi làm ăn xa', effectiveDate: '2025-03-01' }));
    created(await admin.post('/members/m-was-away/status-changes', { status: 'active', reason: 'trở về', effectiveDate: '2025-05-01' }));
    const appoint = (memberId: string, startsOn: string) =>
      admin.post('/branches/b-2/officer-appointments', { memberId, role: 'deputy-secretary', method: 'appointed', source: 'militia', startsOn, reason: 'chỉ định' });
    const away = await appoint('m-was-away', '2025-04-01');
    expect([away.status, away.body.rule, away.body.detail]).toEqual([422, 'member-away', 'member m-was-away is away (away-work) on 2025-04-01: an absent member is not made an officer']);
    created(await admit('m-arrived', 'b-1', { fullName: 'Vi Văn Đức' }));
    created(await admin.post('/members/m-arrived/transfers', { toBranchId: 'b-2', reason: 'chuyển sinh hoạt', effectiveDate: '2025-04-15' }));
    const before = await appoint('m-arrived', '2025-04-01');
    expect([before.status, before.body.rule]).toEqual([422, 'member-not-in-branch']);
    expect((await officers('b-2')).posts).toEqual([]);
    created(await appoint('m-was-away', '2025-05-01'));
    // The member's audit history holds their post as well as their own changes.
    const history = await admin.get('/audit/entities/member/m-was-away/history');
    expect(history.body.changes.map((c: { type: string }) => c.type)).toEqual(['MemberAdmitted', 'MemberStatusChanged', 'MemberStatusChanged', 'OfficerAppointed']);
  });

  it('a date of birth or a decision to come is refused by the clock (a typo of 2200 for 2020), naming the field, and nothing is written', async () => {
    const before = await head();
    const unborn = await admit('m-unborn', 'b-1', { dateOfBirth: '2025-06-02', admittedOn: '2042-01-01' });
    expect([unborn.status, unborn.body.rule, unborn.body.field]).toEqual([422, 'day-not-come', 'dateOfBirth']);
    const decided = await admit('m-decided', 'b-1', { decisionRef: { number: '12-QĐ/ĐTN', date: '2025-06-02' } });
    expect([decided.status, decided.body.rule, decided.body.field]).toEqual([422, 'decision-not-issued', 'decisionRef.date']);
    const unit = await admin.post('/units', { id: 'xa-later', kind: 'grassroots', parentId: 'qp', name: 'Đoàn xã Tương Lai', reason: 'thành lập', decisionRef: { number: '7-QĐ', date: '2200-01-01' } });
    expect([unit.status, unit.body.rule]).toEqual([422, 'decision-not-issued']);
    expect(await head()).toBe(before);
    created(await admit('m-decided', 'b-1', { decisionRef: { number: '12-QĐ/ĐTN', date: TODAY } }));
    // A command that would change nothing (back to active, for an active member) is refused the same way, not answered 201.
    const noChange = await admin.post('/members/m-decided/status-changes', { status: 'active', reason: 'trở lại', decisionRef: { number: '14-QĐ', date: '2025-06-02' } });
    expect([noChange.status, noChange.body.rule]).toEqual([422, 'decision-not-issued']);
    // And as an item of a batch (a black-box probe found it recorded there).
    const batch = await admin.post('/status-change-batches', { changes: [{ memberId: 'm-decided', status: 'active' }], reason: 'rà soát', decisionRef: { number: '15-QĐ', date: '2025-06-02' } });
    expect(JSON.stringify(batch.body)).toContain('decision-not-issued');
  });

  it('a dry run refuses a decision to come as its real run does (it answered a plan, and the real run 422)', async () => {
    const toCome = { number: '13-NQ', date: '2025-06-02' };
    const merger = await admin.post('/branch-mergers', { sourceBranchIds: ['b-2'], into: { branchId: 'b-1' }, dryRun: true, reason: 'sáp nhập', decisionRef: toCome });
    expect([merger.status, merger.body.rule]).toEqual([422, 'decision-not-issued']);
    const communes = await admin.post('/unit-mergers', { sourceUnitIds: ['xa-2'], into: { unitId: 'xa-1' }, dryRun: true, reason: 'sáp nhập xã', decisionRef: toCome });
    expect([communes.status, communes.body.rule]).toEqual([422, 'decision-not-issued']);
    const { payload, contentType } = multipartBody(csvOf([applicant(900, 'b-1')]), 'a.csv', { reason: 'kết nạp', dryRun: 'true', decisionRef: JSON.stringify(toCome) });
    const imported = await gw.inject({ method: 'POST', url: `/${API_PREFIX}/member-imports?unitId=xa-1`, headers: { ...(await gw.bearer({ sub: 'admin', roles: ['central-admin'] })), 'content-type': contentType }, payload });
    expect([imported.status, imported.body.rule]).toEqual([422, 'decision-not-issued']);
  });

  it('an admission dated before its admittedOn is refused (it would list the member before they were admitted), and nothing is written', async () => {
    const before = await head();
    const early = await admit('m-early', 'b-1', { admittedOn: '2025-03-26', effectiveDate: '2025-03-01' });
    expect([early.status, early.body.rule]).toEqual([422, 'effective-before-admission']);
    expect(await head()).toBe(before);
    expect((await admin.get('/members/m-early')).status).toBe(404);
  });

  it('a merger recorded late moves a member whose admission into the closed branch is dated later, on the day of that admission', async () => {
    for (const [id, name] of [['b-pend-1', 'Chi đoàn bản Na Hiêng'], ['b-pend-2', 'Chi đoàn bản Na Ca']]) {
      created(await admin.post('/branches', { id, parentUnitId: 'xa-1', name, area: { kind: 'village', name: name.slice(13) }, reason: 'thành lập', effectiveDate: '2025-01-01' }));
    }
    await gw.syncPersonnel();
    created(await admit('m-pend-now', 'b-pend-1', { fullName: 'Lò Văn Hiêng' }));
    created(await admit('m-pend-later', 'b-pend-1', { fullName: 'Lò Thị Út', admittedOn: '2025-09-01' }));
    const merger = await admin.post('/branch-mergers', { sourceBranchIds: ['b-pend-1'], into: { branchId: 'b-pend-2' }, reason: 'sáp nhập bản', effectiveDate: '2025-05-01' });
    created(merger);
    await gw.syncPersonnel();
    const branchOn = async (id: string, day: string) => (await admin.get(`/members/${id}?asOf=${day}`)).body.branchId;
    expect(await branchOn('m-pend-now', '2025-05-01')).toBe('b-pend-2');
    expect([await branchOn('m-pend-later', '2025-09-01'), await branchOn('m-pend-later', '2025-10-01')]).toEqual(['b-pend-2', 'b-pend-2']);
    expect((await admin.get('/members?branchId=b-pend-1&asOf=2025-10-01')).body.items).toEqual([]);
  });
});
