import { DomainEvent } from '@register/event-sourcing';
import { applyPersonnelEvent } from '../../services/organisation/src/people/personnel-events';
import { PeopleReplica } from '../../services/organisation/src/people/people-replica';
import { Gateway, refusedUnchanged, Reply, startSeeded, why } from '../gateway/gateway-app';

/**
 * Issue 16, gaps found by a new user, against the embedded start: a second central committee, a
 * merger target that is both an existing and a new branch, and splits that leave members out or
 * make a successor without members.
 */
describe('structure gaps: central committee, merger target, empty successors (embedded start)', () => {
  let gw: Gateway;
  let admin: ReturnType<Gateway['api']>;

  beforeAll(async () => {
    ({ gw, admin } = await startSeeded());
    await gw.syncPersonnel();
    for (const [id, fullName, dateOfBirth] of [['m-a', 'Lò Văn An', '2000-01-02'], ['m-b', 'Vi Thị Bình', '2001-03-04'], ['m-c', 'Lương Văn Cường', '2002-05-06']]) {
      const consent = { givenOn: '2020-03-01', purposes: ['membership-register'] };
      const r = await admin.post('/members', { id, branchId: 'b-1', fullName, dateOfBirth, gender: 'male', admittedOn: '2020-03-26', consent, ...why() });
      expect([id, r.status]).toEqual([id, 201]);
    }
    // The relay is off here: organisation's people replica learns personnel's events by hand, as its consumer would.
    const replica = gw.app.get(PeopleReplica);
    for (const e of await gw.personnelStore.readAll(0, 500)) applyPersonnelEvent(replica, e as DomainEvent);
  }, 60_000);
  afterAll(async () => gw?.close());

  const refused = (status: number, send: () => Promise<Reply>) => refusedUnchanged(gw, status, send);

  it('refuses a second central committee (409 central-committee-exists, naming the one there is)', async () => {
    const r = await refused(409, () => admin.post('/units', { kind: 'central', name: 'Trung ương Đoàn thứ hai', ...why() }));
    expect(r.body).toMatchObject({ rule: 'central-committee-exists', unitId: 'tw' });
  });

  it('refuses a merger into both an existing and a new branch, or neither (400 one-of on into)', async () => {
    for (const into of [{ branchId: 'b-2', name: 'Chi đoàn hợp nhất' }, { branchId: 'b-2', parentUnitId: 'xa-1' }, {}]) {
      const r = await refused(400, () => admin.post('/branch-mergers', { sourceBranchIds: ['b-3'], into, ...why() }));
      expect(r.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'into', rule: 'one-of' })]));
    }
  });

  it('refuses a split whose parts or source are given as null (400 naming the field; it was a 500, found by Schemathesis)', async () => {
    for (const [body, field] of [[{ sourceBranchId: 'b-3', into: null }, 'parts'], [{ sourceBranchIds: null, parts: [] }, 'sourceBranchId']] as const) {
      const r = await refused(400, () => admin.post('/branch-splits', { ...body, ...why() }));
      expect(r.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
  });

  it('still merges into an existing branch, and into a new one', async () => {
    const cases: Array<[string[], object]> = [[['b-3'], { branchId: 'b-2' }], [['b-2', 'b-3'], { name: 'Chi đoàn hợp nhất Na Sành', area: { kind: 'village', name: 'Na Sành' }, parentUnitId: 'xa-2' }]];
    for (const [sourceBranchIds, into] of cases) {
      const r = await admin.post('/branch-mergers', { sourceBranchIds, into, dryRun: true, ...why() });
      expect([r.status, r.body.events]).toEqual([200, expect.arrayContaining(['BranchesMerged'])]);
    }
  });

  const split = (parts: Array<{ id: string; memberIds: string[] }>, extra: object = {}) =>
    admin.post('/branch-splits', { sourceBranchId: 'b-1', parts: parts.map((p) => ({ ...p, name: `Chi đoàn ${p.id}` })), ...extra, ...why() });

  it('dry run: lists the members left out of every part and the successors that would get no member', async () => {
    const r = await split([{ id: 'sp-1', memberIds: ['m-a'] }, { id: 'sp-2', memberIds: [] }], { dryRun: true });
    expect(r.status).toBe(200);
    expect({ membersUnassigned: [...r.body.membersUnassigned].sort(), emptySuccessors: r.body.emptySuccessors }).toEqual({ membersUnassigned: ['m-b', 'm-c'], emptySuccessors: ['sp-2'] });
  });

  it('real run: refuses a successor with no members (422 empty-successor, nothing appended)', async () => {
    const r = await refused(422, () => split([{ id: 'sp-1', memberIds: ['m-a'] }, { id: 'sp-2', memberIds: [] }]));
    expect(r.body).toMatchObject({ rule: 'empty-successor', emptySuccessorIds: ['sp-2'] });
  });

  it('real run: refuses to split a branch with no known members', async () => {
    const r = await refused(422, () => admin.post('/branch-splits', { sourceBranchId: 'b-9', parts: [{ name: 'Chi đoàn A', memberIds: [] }, { name: 'Chi đoàn B', memberIds: [] }], ...why() }));
    expect(r.body.rule).toBe('empty-successor');
  });

  it("takes a split in api.md's words (sourceBranchIds of the one branch, into its parts); both words for one thing is 400 one-of; scope is checked on either", async () => {
    const parts = [{ id: 'ap-1', name: 'Chi đoàn ap-1', memberIds: ['m-a'] }, { id: 'ap-2', name: 'Chi đoàn ap-2', memberIds: ['m-b', 'm-c'] }];
    const dry = await admin.post('/branch-splits', { sourceBranchIds: ['b-1'], into: parts, dryRun: true, ...why() });
    expect([dry.status, dry.body.branchesClosed, dry.body.membersMoving.map((m: { toBranchId: string; count: number }) => [m.toBranchId, m.count])]).toEqual([200, [{ id: 'b-1', name: expect.any(String) }], [['ap-1', 1], ['ap-2', 2]]]);
    const both = await refused(400, () => admin.post('/branch-splits', { sourceBranchId: 'b-1', sourceBranchIds: ['b-1'], parts, into: parts, dryRun: true, ...why() }));
    expect(both.body.errors.map((e: { field: string; rule: string }) => `${e.field}:${e.rule}`).sort()).toEqual(['into:one-of', 'sourceBranchIds:one-of']);
    const neither = await refused(400, () => admin.post('/branch-splits', { dryRun: true, ...why() }));
    expect(neither.body.errors.map((e: { field: string; rule: string }) => `${e.field}:${e.rule}`).sort()).toEqual(['parts:required', 'sourceBranchId:required']);
    const otherCommune = gw.api(await gw.bearer({ sub: 'xa-2-officer', roles: ['unit-officer'], scopeUnitId: 'xa-2' }));
    expect((await refused(403, () => otherCommune.post('/branch-splits', { sourceBranchIds: ['b-1'], into: parts, dryRun: true, ...why() }))).status).toBe(403);
  });

  it('real run: splits when every successor gets members, even if some member is left out', async () => {
    const r = await split([{ id: 'sp-1', memberIds: ['m-a'] }, { id: 'sp-2', memberIds: ['m-b'] }]);
    expect([r.status, r.body.successorIds]).toEqual([201, ['sp-1', 'sp-2']]);
  });
});
