/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read freely in tests */
import { MintOptions } from '@register/auth';
import { OrganisationReactions } from '../../services/personnel/src/reactions/organisation-reactions.service';
import { Distributed, startDistributed } from './distributed-app';
import { Gateway, handOver, seedTree, startGateway, why } from './gateway-app';

/** What the scenario needs of either setup: a GET and a POST through the gateway, and personnel told of organisation's events. */
interface Setup {
  get(path: string, caller: MintOptions): Promise<{ status: number; body: any }>;
  post(path: string, body: unknown, caller: MintOptions): Promise<{ status: number; body: any }>;
  /** Personnel learns organisation's new events, as its consumer would. */
  sync(): Promise<void>;
  /** Personnel's log head: today's list waits for its read model up to here. */
  personnelHead(): Promise<number>;
}

const ADMIN: MintOptions = { sub: 'admin', roles: ['central-admin'] };
const COMMUNE_OFFICER: MintOptions = { sub: 'xa-1-officer', roles: ['unit-officer'], scopeUnitId: 'xa-1' };

const members = [
  { id: 'm-b1', branchId: 'b-1', fullName: 'Lò Thị Hương' },
  { id: 'm-b2', branchId: 'b-2', fullName: 'Vi Văn Pục' },
  { id: 'm-b3', branchId: 'b-3', fullName: 'Lương Văn Sành' },
  { id: 'm-b9', branchId: 'b-9', fullName: 'Hà Thị Phú' },
];

const ids = (r: { body: any }) => r.body.items.map((m: { id: string; branchId: string }) => `${m.id}@${m.branchId}`).sort();

/**
 * Issue 16, point 3: GET /members by unit (the whole subtree) and as of a date, through the
 * gateway. The question it answers in one call: what did a merged branch's members look like
 * before the merger? (b-2 merges into b-1 on 2025-07-01; seedTree's branches date from 2025-01-01.)
 */
function scenario(setup: () => Setup) {
  let s: Setup;
  const today = async (query: string, caller = ADMIN) => s.get(`/members?${query}&minPosition=${await s.personnelHead()}`, caller);

  beforeAll(async () => {
    s = setup();
    await s.sync();
    for (const m of members) {
      const body = { ...m, dateOfBirth: '2000-05-10', gender: 'male', admittedOn: '2025-02-01', consent: { givenOn: '2025-02-01', purposes: ['membership-register'] }, ...why('kết nạp', '2025-02-01') };
      const r = await s.post('/members', body, ADMIN);
      if (r.status !== 201) throw new Error(`admission ${m.id}: ${r.status} ${JSON.stringify(r.body)}`);
    }
  });

  it('lists by unitId the members of every branch in its subtree, and none outside', async () => {
    expect(ids(await today('unitId=qp'))).toEqual(['m-b1@b-1', 'm-b2@b-2', 'm-b3@b-3']);
    expect(ids(await today('unitId=xa-1', COMMUNE_OFFICER))).toEqual(['m-b1@b-1', 'm-b2@b-2']);
    expect(ids(await today('unitId=xa-9'))).toEqual(['m-b9@b-9']);
  });

  it('refuses a unit outside the caller\'s subtree (403), branchId with unitId (400 naming both), and an unknown unit (404)', async () => {
    expect((await today('unitId=th', COMMUNE_OFFICER)).status).toBe(403);
    expect((await today('unitId=qp', COMMUNE_OFFICER)).status).toBe(403);
    const both = await today('unitId=xa-1&branchId=b-1', COMMUNE_OFFICER);
    expect(both.status).toBe(400);
    expect(both.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['branchId', 'unitId']);
    expect((await today('unitId=no-such-unit')).status).toBe(404);
  });

  it('lists, as of a date before a branch merger, the absorbed branch\'s members under it', async () => {
    const merged = await s.post('/branch-mergers', { sourceBranchIds: ['b-2'], into: { branchId: 'b-1' }, ...why('sáp nhập bản', '2025-07-01') }, ADMIN);
    expect(merged.status).toBe(201);
    await s.sync();
    // Today: b-2's member is in b-1, and b-2 has none.
    expect(ids(await today('branchId=b-2'))).toEqual([]);
    expect(ids(await today('unitId=xa-1', COMMUNE_OFFICER))).toEqual(['m-b1@b-1', 'm-b2@b-1']);
    // Before the merger: b-2 with its member, one call, by branch or by unit.
    const before = await s.get('/members?branchId=b-2&asOf=2025-06-30', COMMUNE_OFFICER);
    expect(before.status).toBe(200);
    expect(before.body.items).toEqual([expect.objectContaining({ id: 'm-b2', branchId: 'b-2', fullName: 'Vi Văn Pục', status: 'active' })]);
    expect(ids(await s.get('/members?unitId=xa-1&asOf=2025-06-30', COMMUNE_OFFICER))).toEqual(['m-b1@b-1', 'm-b2@b-2']);
    // On the merger's day, and before any admission.
    expect(ids(await s.get('/members?unitId=xa-1&asOf=2025-07-01', COMMUNE_OFFICER))).toEqual(['m-b1@b-1', 'm-b2@b-1']);
    expect(ids(await s.get('/members?unitId=qp&asOf=2025-01-31', ADMIN))).toEqual([]);
    expect((await s.get('/members?unitId=th&asOf=2025-06-30', COMMUNE_OFFICER)).status).toBe(403);
  });

  it('lists by unit as of a date before a branch moved to another commune under its commune then', async () => {
    const moved = await s.post('/branches/b-3/moves', { toUnitId: 'xa-1', ...why('điều chỉnh địa giới', '2025-08-01') }, ADMIN);
    expect(moved.status).toBe(201);
    await s.sync();
    expect(ids(await today('unitId=xa-2'))).toEqual([]);
    expect(ids(await s.get('/members?unitId=xa-2&asOf=2025-07-31', ADMIN))).toEqual(['m-b3@b-3']);
    expect(ids(await s.get('/members?unitId=xa-1&asOf=2025-07-31', ADMIN))).toEqual(['m-b1@b-1', 'm-b2@b-1']);
  });

  it('pages an asOf list with the directory\'s name cursor', async () => {
    const first = await s.get('/members?unitId=qp&asOf=2025-06-30&limit=2', ADMIN);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await s.get(`/members?unitId=qp&asOf=2025-06-30&limit=2&cursor=${first.body.nextCursor}`, ADMIN);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    expect([...first.body.items, ...second.body.items].map((m: { id: string }) => m.id).sort()).toEqual(['m-b1', 'm-b2', 'm-b3']);
  });
}

describe('the member list by unit and as of a date (embedded gateway)', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway();
    await seedTree(gw.api(await gw.bearer(ADMIN)));
  });
  afterAll(async () => gw?.close());

  scenario(() => ({
    get: async (path, caller) => gw.api(await gw.bearer(caller)).get(path),
    post: async (path, body, caller) => gw.api(await gw.bearer(caller)).post(path, body),
    sync: () => gw.syncPersonnel(),
    personnelHead: () => gw.personnelStore.headPosition(),
  }));
});

describe('the member list by unit and as of a date (distributed gateway)', () => {
  let d: Distributed;
  beforeAll(async () => {
    d = await startDistributed('test-internal-secret-0123456789');
  });
  afterAll(async () => d?.close());

  scenario(() => {
    const sync = handOver(d.orgStore, d.personnel.get(OrganisationReactions));
    return {
      get: async (path, caller) => d.gw.get(path, await d.token(caller)),
      post: async (path, body, caller) => d.gw.post(path, body, await d.token(caller)),
      sync,
      personnelHead: () => d.personnelStore.headPosition(),
    };
  });
});
