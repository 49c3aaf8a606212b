/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read freely in tests */
import { EventStore } from '@register/event-sourcing';
import { applyPersonnelEvent } from '../../services/organisation/src/people/personnel-events';
import { PeopleReplica } from '../../services/organisation/src/people/people-replica';
import { PERSONNEL_LOG } from '../../services/personnel/src/application/tokens';
import { Gateway, startSeeded, why } from '../gateway/gateway-app';

jest.setTimeout(120_000);

const ids = (r: { body: any }) => r.body.items.map((b: { id: string }) => b.id).sort();

/**
 * A branch closed on a day before a commune merger that was recorded first (embedded, through HTTP).
 * xa-2 (b-3, b-4) merges into xa-1 on 1 July 2025, and its branches move with it; then b-3's
 * dissolution and b-4's split, both dated 1 March 2025, are recorded. Each closed in xa-2, and
 * must stay there on every day after: a black-box probe found b-3 listed, dissolved, under xa-1
 * from the merger's day on.
 */
describe('a branch closed before a commune merger recorded earlier (embedded)', () => {
  let gw: Gateway;
  let admin: ReturnType<Gateway['api']>;
  const fresh = async (path: string) => admin.get(`${path}${path.includes('?') ? '&' : '?'}minPosition=${await gw.store.headPosition()}`);

  beforeAll(async () => {
    ({ gw, admin } = await startSeeded());
    const b4 = await admin.post('/branches', { id: 'b-4', parentUnitId: 'xa-2', name: 'Chi đoàn bản Piềng Văn', area: { kind: 'village', name: 'Piềng Văn' }, ...why('khởi tạo') });
    expect([b4.status, b4.body.detail]).toEqual([201, undefined]);
    await gw.syncPersonnel();
    for (const [id, fullName] of [['pv-1', 'Vi Thị Lan'], ['pv-2', 'Lò Văn Tâm']]) {
      const body = { id, branchId: 'b-4', fullName, dateOfBirth: '2000-05-10', gender: 'female', admittedOn: '2025-02-01', consent: { givenOn: '2025-02-01', purposes: ['membership-register'] }, ...why('kết nạp', '2025-02-01') };
      const admitted = await admin.post('/members', body);
      expect([admitted.status, admitted.body.detail ?? admitted.body.errors]).toEqual([201, undefined]);
    }
    // Organisation's people replica learns b-4's members, as its consumer of personnel's topic would: a split divides them.
    for (const e of await gw.app.get<EventStore>(PERSONNEL_LOG).readAll(0, 10_000)) applyPersonnelEvent(gw.app.get(PeopleReplica), e);
    const merger = await admin.post('/unit-mergers', { sourceUnitIds: ['xa-2'], into: { unitId: 'xa-1' }, ...why('hợp nhất xã', '2025-07-01') });
    expect([merger.status, merger.body.detail]).toEqual([201, undefined]);
    expect((await admin.get('/branches/b-3')).body.parentUnitId).toBe('xa-1');
    await gw.syncPersonnel();
    const dissolved = await admin.post('/branches/b-3/dissolution', why('giải thể trước khi hợp nhất xã', '2025-03-01'));
    expect([dissolved.status, dissolved.body.detail]).toEqual([201, undefined]);
    const split = await admin.post('/branch-splits', { sourceBranchId: 'b-4', parts: [{ id: 'b-4a', name: 'Chi đoàn bản Piềng Văn Trên', memberIds: ['pv-1'] }, { id: 'b-4b', name: 'Chi đoàn bản Piềng Văn Dưới', memberIds: ['pv-2'] }], ...why('chia tách bản', '2025-03-01') });
    expect([split.status, split.body.detail]).toEqual([201, undefined]);
  });
  afterAll(() => gw?.close());

  it('shows each closed where it stood on its closing day: today, and on every day after the merger', async () => {
    for (const id of ['b-3', 'b-4']) expect((await fresh(`/branches/${id}`)).body).toMatchObject({ parentUnitId: 'xa-2', closedOn: '2025-03-01' });
    expect(ids(await fresh('/branches?parentUnitId=xa-1&status=any'))).not.toEqual(expect.arrayContaining(['b-3']));
    expect(ids(await fresh('/branches?parentUnitId=xa-1&status=any'))).not.toEqual(expect.arrayContaining(['b-4']));
    for (const asOf of ['2025-07-01', '2025-12-31']) {
      const under = ids(await admin.get(`/branches?parentUnitId=xa-1&status=any&asOf=${asOf}`));
      expect({ asOf, closedUnderSuccessor: under.filter((id: string) => id === 'b-3' || id === 'b-4') }).toEqual({ asOf, closedUnderSuccessor: [] });
      expect((await admin.get(`/branches/b-3?asOf=${asOf}`)).body).toMatchObject({ parentUnitId: 'xa-2', status: 'dissolved' });
    }
    // before its closing it stood in xa-2, active; the merger's other branches still moved
    expect((await admin.get('/branches/b-3?asOf=2025-02-01')).body).toMatchObject({ parentUnitId: 'xa-2', status: 'active' });
    expect(ids(await admin.get('/branches?parentUnitId=xa-2&status=any&asOf=2025-04-01'))).toEqual(['b-3', 'b-4']);
  });

  it("keeps what the split's parts already showed: placed under the successor, since a decision's events share one day", async () => {
    // Placed in xa-2 they would stand, active, under a commune merged away; a part cannot move to xa-1 on the merger's day within a decision dated 1 March.
    for (const part of ['b-4a', 'b-4b']) {
      expect((await admin.get(`/branches/${part}?asOf=2025-04-01`)).body).toMatchObject({ parentUnitId: 'xa-1', predecessorIds: ['b-4'] });
      expect((await fresh(`/branches/${part}`)).body).toMatchObject({ parentUnitId: 'xa-1', status: 'active' });
    }
  });

  it('records the move back as a fact of the closure, dated its day, with its reason', async () => {
    const { changes } = (await admin.get('/audit/entities/branch/b-3/history')).body;
    const moves = changes.filter((c: any) => c.type === 'BranchMoved');
    expect(moves.map((c: any) => [c.data.fromUnitId, c.data.toUnitId, c.effectiveDate])).toEqual([
      ['xa-2', 'xa-1', '2025-07-01'],
      ['xa-1', 'xa-2', '2025-03-01'],
    ]);
    expect(moves[1].reason).toBe('giải thể trước khi hợp nhất xã');
    // Each unit's history holds the closures of what sat in it when it closed (a probe found dissolutions missing from it).
    const closures = async (unit: string) =>
      ((await admin.get(`/audit/entities/unit/${unit}/history`)).body.changes as Array<{ type: string; data: { branchId?: string; sourceBranchId?: string } }>)
        .filter((c) => c.type === 'BranchDissolved' || c.type === 'BranchSplit')
        .map((c) => `${c.type}:${c.data.branchId ?? c.data.sourceBranchId}`);
    expect(await closures('xa-2')).toEqual(['BranchDissolved:b-3', 'BranchSplit:b-4']);
    expect(await closures('xa-1')).toEqual([]);
  });
});
