import { Distributed, startDistributed } from './distributed-app';
import { Gateway, seedTree, startGateway, why } from './gateway-app';

/**
 * Issue 14, hole 12: an entity's audit history matched its id as a substring of each event's JSON,
 * and units and branches share one id space. A unit officer of Nghệ An names a branch after Thanh
 * Hóa's commune `xa-9` (and a unit after Thanh Hóa's branch `b-9`): neither may appear in the
 * history of the entity whose id it borrowed. Typed references still count: a merger is in the
 * history of every branch it names.
 */
type Call = (path: string, body?: unknown) => Promise<{ status: number; body: { changes: Array<{ type: string; data: Record<string, unknown> }> } }>;

async function borrowedIdsStayOut(officer: Call, admin: Call, auditor: Call) {
  expect((await officer('/branches', { id: 'xa-9', parentUnitId: 'xa-1', name: 'Chi đoàn bản Mượn Tên', ...why() })).status).toBe(201);
  expect((await officer('/units', { id: 'b-9', kind: 'grassroots', name: 'Đoàn xã Mượn Tên', parentId: 'qp', ...why() })).status).toBe(201);
  expect((await admin('/branch-mergers', { sourceBranchIds: ['b-2'], into: { branchId: 'b-1' }, ...why('sáp nhập bản', '2025-07-01') })).status).toBe(201);

  const commune = await auditor('/audit/entities/unit/xa-9/history');
  expect(commune.status).toBe(200);
  expect(commune.body.changes.map((c) => [c.type, c.data.unitId ?? c.data.branchId])).toEqual([
    ['UnitEstablished', 'xa-9'],
    ['BranchEstablished', 'b-9'], // its branch: parentUnitId names the commune
  ]);
  const branch = await auditor('/audit/entities/branch/b-9/history');
  expect(branch.body.changes.map((c) => [c.type, c.data.branchId ?? c.data.unitId])).toEqual([['BranchEstablished', 'b-9']]);
  const impostor = await auditor('/audit/entities/branch/xa-9/history');
  expect(impostor.body.changes.map((c) => [c.type, c.data.branchId])).toEqual([['BranchEstablished', 'xa-9']]);
  const absorbed = await auditor('/audit/entities/branch/b-2/history');
  expect(absorbed.body.changes.map((c) => c.type)).toEqual(['BranchEstablished', 'BranchesMerged']);
}

describe('audit entity history matches by stream and typed references (embedded gateway)', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway();
    await seedTree(gw.api(await gw.bearer({ sub: 'admin', roles: ['central-admin'] })));
  });
  afterAll(async () => gw?.close());

  it('a branch or unit named with another province\'s unit or branch id stays out of that entity\'s history', async () => {
    const caller = async (claims: Parameters<Gateway['bearer']>[0]): Promise<Call> => {
      const api = gw.api(await gw.bearer(claims));
      return (path, body) => (body === undefined ? api.get(path) : api.post(path, body));
    };
    await borrowedIdsStayOut(
      await caller({ sub: 'can-bo-na', roles: ['unit-officer'], scopeUnitId: 'na' }),
      await caller({ sub: 'admin', roles: ['central-admin'] }),
      await caller({ sub: 'kiem-toan', roles: ['auditor'] }),
    );
  });
});

describe('audit entity history matches by stream and typed references (distributed gateway)', () => {
  let d: Distributed;
  beforeAll(async () => {
    d = await startDistributed('test-internal-secret-0123456789');
  });
  afterAll(async () => d?.close());

  it('a branch or unit named with another province\'s unit or branch id stays out of that entity\'s history', async () => {
    const caller = async (claims: Parameters<Distributed['token']>[0]): Promise<Call> => {
      const headers = await d.token(claims);
      return (path, body) => (body === undefined ? d.gw.get(path, headers) : d.gw.post(path, body, headers));
    };
    await borrowedIdsStayOut(
      await caller({ sub: 'can-bo-na', roles: ['unit-officer'], scopeUnitId: 'na' }),
      await caller({ sub: 'admin', roles: ['central-admin'] }),
      await caller({ sub: 'kiem-toan', roles: ['auditor'] }),
    );
  });
});
