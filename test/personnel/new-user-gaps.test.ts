import { Gateway, startSeeded } from '../gateway/gateway-app';

/**
 * Issue 16, point 1: gaps in personnel found by trying the register as a new user would, through
 * the embedded gateway. The seeded branches are established on 2025-01-01.
 */
describe('personnel gaps found by a new user (issue 16)', () => {
  let gw: Gateway;
  let admin: ReturnType<Gateway['api']>;

  beforeAll(async () => {
    ({ gw, admin } = await startSeeded());
    await gw.syncPersonnel();
  });

  afterAll(async () => {
    await gw?.close();
  });

  const admit = (id: string, branchId: string, over: Record<string, unknown> = {}) =>
    admin.post('/members', { id, branchId, fullName: 'Lò Văn Pọm', dateOfBirth: '2003-07-01', gender: 'male', admittedOn: '2025-02-01', reason: 'kết nạp', ...over });
  const appoint = (branchId: string, memberId: string, over: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    admin.post(`/branches/${branchId}/officer-appointments`, { memberId, role: 'secretary', method: 'appointed', source: 'teacher', startsOn: '2025-03-01', reason: 'chỉ định', ...over }, headers);
  const expectCreated = (r: { status: number; raw: string }) => expect(r.status === 201 ? 201 : r.raw).toBe(201);

  it('accepts back the ETag "-1" of a branch with no posts; once a post is taken, that ETag is stale (409)', async () => {
    expectCreated(await admit('m-etag-1', 'b-3'));
    expectCreated(await admit('m-etag-2', 'b-3', { fullName: 'Vi Văn Khăm' }));
    const officers = await admin.get('/branches/b-3/officers');
    expect([officers.status, officers.headers.etag]).toEqual([200, '"-1"']);
    // An empty asOf (a script's unset variable) is refused, where it answered the present in silence.
    const empty = await admin.get('/branches/b-3/officers?asOf=');
    expect([empty.status, empty.body.errors]).toEqual([400, [expect.objectContaining({ field: 'asOf', rule: 'not-empty' })]]);
    // As of a day before the branch was established (1 January 2025), or for a branch never heard of: 404, as the branch read answers.
    const asOf = async (branchId: string, day: string) => (await admin.get(`/branches/${branchId}/officers?asOf=${day}`)).status;
    expect([await asOf('b-3', '2024-12-31'), await asOf('b-3', '2025-01-01'), await asOf('b-nowhere', '2025-06-01')]).toEqual([404, 200, 404]);
    const etag = String(officers.headers.etag);
    expectCreated(await appoint('b-3', 'm-etag-1', {}, { 'if-match': etag }));
    const stale = await appoint('b-3', 'm-etag-2', { role: 'deputy-secretary' }, { 'if-match': etag });
    expect([stale.status, stale.body?.rule]).toEqual([409, 'expected-revision']);
  });

  it('refuses with 422 a post that starts before the member was admitted or before the branch was established', async () => {
    expectCreated(await admit('m-early-1', 'b-1', { admittedOn: '2025-02-01' }));
    const heads = await gw.heads();
    const beforeAdmission = await appoint('b-1', 'm-early-1', { startsOn: '2025-01-15' });
    expect([beforeAdmission.status, beforeAdmission.body?.rule]).toEqual([422, 'appointment-before-admission']);
    expectCreated(await admit('m-early-2', 'b-2', { admittedOn: '2024-06-01', fullName: 'Vi Văn Khăm' }));
    const heads2 = await gw.heads();
    const beforeBranch = await appoint('b-2', 'm-early-2', { startsOn: '2024-12-01' });
    expect([beforeBranch.status, beforeBranch.body?.rule]).toEqual([422, 'appointment-before-branch']);
    expect(await gw.heads()).toBe(heads2);
    expect(heads).not.toBe(heads2);
    expectCreated(await appoint('b-2', 'm-early-2', { startsOn: '2025-01-01' }));
  });

  it('refuses the transfer of a member holding a post in their branch (422 member-holds-post, naming it) until they leave it', async () => {
    expectCreated(await admit('m-deputy', 'b-1', { fullName: 'Hà Thị Xuân' }));
    expectCreated(await appoint('b-1', 'm-deputy', { role: 'deputy-secretary' }));
    const transfer = () => admin.post('/members/m-deputy/transfers', { toBranchId: 'b-2', duesSettledUpTo: '2025-06-30', reason: 'chuyển sinh hoạt', effectiveDate: '2025-06-10' });
    const refused = await transfer();
    expect([refused.status, refused.body?.rule, refused.body?.posts]).toEqual([422, 'member-holds-post', [{ branchId: 'b-1', role: 'deputy-secretary' }]]);
    expect(refused.body.detail).toContain('deputy-secretary of branch b-1');
    const departed = await admin.post('/branches/b-1/officer-departures', { memberId: 'm-deputy', endsOn: '2025-06-09', cause: 'relieved', reason: 'chuyển công tác' });
    expectCreated(departed);
    expectCreated(await transfer());
  });

  it('refuses the leaving of a member holding a post in their branch (422 member-holds-post), alone or in a batch, until they leave it; nothing is recorded', async () => {
    expectCreated(await admit('m-leaver', 'b-2', { fullName: 'Lương Thị Mai' }));
    expectCreated(await appoint('b-2', 'm-leaver', { role: 'deputy-secretary' }));
    const heads = await gw.heads();
    const leave = () => admin.post('/members/m-leaver/status-changes', { status: 'left', reason: 'ra khỏi Đoàn', effectiveDate: '2025-06-10' });
    const refused = await leave();
    expect([refused.status, refused.body?.rule, refused.body?.posts]).toEqual([422, 'member-holds-post', [{ branchId: 'b-2', role: 'deputy-secretary' }]]);
    const batch = await admin.post('/status-change-batches', { reason: 'rà soát đoàn viên', changes: [{ memberId: 'm-leaver', status: 'left', effectiveDate: '2025-06-10' }] });
    expect(JSON.stringify(batch.body)).toContain('member-holds-post');
    expect(await gw.heads()).toBe(heads);
    expectCreated(await admin.post('/branches/b-2/officer-departures', { memberId: 'm-leaver', endsOn: '2025-06-10', cause: 'resigned', reason: 'thôi giữ chức' }));
    expectCreated(await leave());
  });

  it('answers 409 possible-duplicate for the same name and date of birth in one branch, naming the member; namesake: true admits a different person', async () => {
    const hương = { fullName: 'Lò Thị Hương', dateOfBirth: '2004-05-10', gender: 'female' };
    expectCreated(await admit('m-dup-1', 'b-3', hương));
    const heads = await gw.heads();
    const again = await admit('m-dup-2', 'b-3', { ...hương, fullName: 'lò  thị HƯƠNG' });
    expect([again.status, again.body?.rule, again.body?.existingMemberId]).toEqual([409, 'possible-duplicate', 'm-dup-1']);
    expect(await gw.heads()).toBe(heads);
    expectCreated(await admit('m-dup-2', 'b-3', { ...hương, namesake: true }));
    expectCreated(await admit('m-dup-3', 'b-3', { ...hương, dateOfBirth: '2004-05-11' }));
    expectCreated(await admit('m-dup-4', 'b-3', { ...hương, fullName: 'Lò Thị Hường' }));
    expectCreated(await admit('m-dup-5', 'b-1', hương));
    const namesake = await admin.post('/members', { id: 'm-dup-6', branchId: 'b-3', ...hương, admittedOn: '2025-02-01', reason: 'kết nạp', namesake: 'yes' });
    expect([namesake.status, namesake.body?.errors?.[0]?.field]).toEqual([400, 'namesake']);
  });
});
