import { setTimeout as sleep } from 'node:timers/promises';
import { Gateway, refusedUnchanged, startSeeded, why } from '../gateway/gateway-app';

/**
 * Issue 20, point 5: two time axes. `asOf` (a day) says what was in force in the world, `knownAt`
 * (an instant) what the register knew by then. Hamlet Mường Phú's branch (b-1) merged into Na
 * Sành's (b-3) on 1 July 2025, but the merger was recorded late: after `before`, by `after`. Read
 * on the eve and the morrow of the merger, as known before and after it was recorded:
 *
 *                       known before (before)   known after (after)
 *   asOf 2025-06-30     active                  active   (not yet in force)
 *   asOf 2025-07-02     active (not yet known)  merged
 *
 * Only the last cell sees the merger; without knownAt a date reads as the register knows it now.
 */
describe('two time axes: in force on a day, as the register knew it at an instant (embedded)', () => {
  let gw: Gateway;
  let admin: ReturnType<Gateway['api']>;
  let before: string;
  let after: string;

  beforeAll(async () => {
    ({ gw, admin } = await startSeeded());
    await gw.syncPersonnel();
    const admitted = await admin.post('/members', { id: 'm-1', branchId: 'b-1', fullName: 'Lô Thị Mai', dateOfBirth: '2001-04-02', gender: 'female', admittedOn: '2025-02-01', reason: 'kết nạp' });
    expect(admitted.status === 201 ? 201 : admitted.raw).toBe(201);
    // Recorded times are the log's own (milliseconds): leave a clear gap on either side of the merger.
    await sleep(20);
    before = new Date().toISOString();
    await sleep(20);
    const merged = await admin.post('/branch-mergers', { sourceBranchIds: ['b-1'], into: { branchId: 'b-3' }, ...why('sáp nhập bản', '2025-07-01') });
    expect(merged.status === 201 ? 201 : merged.raw).toBe(201);
    await gw.syncPersonnel();
    await sleep(20);
    after = new Date().toISOString();
  });

  afterAll(async () => {
    await gw?.close();
  });

  const q = (asOf: string | undefined, knownAt: string | undefined) => new URLSearchParams({ ...(asOf ? { asOf } : {}), ...(knownAt ? { knownAt } : {}) }).toString();
  const ok = (r: { status: number; raw: string; body: unknown }) => {
    expect(r.status === 200 ? 200 : r.raw).toBe(200);
    return r.body as Record<string, unknown>;
  };
  const branchStatus = async (asOf: string | undefined, knownAt: string | undefined) => ok(await admin.get(`/branches/b-1?${q(asOf, knownAt)}`)).status;
  const ids = (body: Record<string, unknown>, key = 'items') => (body[key] as Array<{ id: string }>).map((b) => b.id);

  it('reads the source branch of a merger recorded late under both axes: the four answers', async () => {
    const answers = [];
    for (const asOf of ['2025-06-30', '2025-07-02']) for (const knownAt of [before, after]) answers.push(`${asOf} known ${knownAt === before ? 'before' : 'after'}: ${await branchStatus(asOf, knownAt)}`);
    expect(answers).toEqual(['2025-06-30 known before: active', '2025-06-30 known after: active', '2025-07-02 known before: active', '2025-07-02 known after: merged']);
    // One axis alone: a date as known now, knownAt alone as today (in force) as known then.
    expect(await branchStatus('2025-07-02', undefined)).toBe('merged');
    expect(await branchStatus(undefined, before)).toBe('active');
    expect(await branchStatus(undefined, after)).toBe('merged');
  });

  it('reads the directory, the lineage and the unit tree the same way', async () => {
    const lineage = async (knownAt: string) => ids(ok(await admin.get(`/branches/b-3/lineage?${q('2025-07-02', knownAt)}`)), 'predecessors');
    expect([await lineage(before), await lineage(after)]).toEqual([[], ['b-1']]);
    const active = async (knownAt: string) => ids(ok(await admin.get(`/branches?parentUnitId=xa-1&status=active&${q('2025-07-02', knownAt)}`)));
    expect([await active(before), await active(after)]).toEqual([['b-1', 'b-2'], ['b-2']]);
    const branches = async (knownAt: string) => (ok(await admin.get(`/units/xa-1/tree?${q('2025-07-02', knownAt)}`)).counts as { branches: number }).branches;
    expect([await branches(before), await branches(after)]).toEqual([2, 1]);
  });

  it('reads a member of the merged branch, and the member lists, the same way', async () => {
    const branchOf = async (knownAt: string) => ok(await admin.get(`/members/m-1?${q('2025-07-02', knownAt)}`)).branchId;
    expect([await branchOf(before), await branchOf(after)]).toEqual(['b-1', 'b-3']);
    const inBranch = async (branchId: string, knownAt: string) => ids(ok(await admin.get(`/members?branchId=${branchId}&${q('2025-07-02', knownAt)}`)));
    expect([await inBranch('b-1', before), await inBranch('b-1', after), await inBranch('b-3', after)]).toEqual([['m-1'], [], ['m-1']]);
    const inUnit = async (unitId: string, knownAt: string) => ids(ok(await admin.get(`/members?unitId=${unitId}&${q('2025-07-02', knownAt)}`)));
    expect([await inUnit('xa-1', before), await inUnit('xa-2', before), await inUnit('xa-2', after)]).toEqual([['m-1'], [], ['m-1']]);
  });

  it.each([
    ['/branches/b-1', 'knownAt beside an instant asOf', `asOf=${encodeURIComponent('2025-09-01T00:00:00Z')}&knownAt=${encodeURIComponent('2025-09-01T00:00:00Z')}`, 'known-at-with-instant'],
    ['/branches', 'a knownAt without its zone', `asOf=2025-07-01&knownAt=${encodeURIComponent('2025-09-01T00:00:00')}`, 'known-at'],
    ['/members/m-1', 'a knownAt that is a day', 'knownAt=2025-09-01', 'known-at'],
    ['/members', 'a knownAt on a day that does not exist', `knownAt=${encodeURIComponent('2025-06-31T00:00:00Z')}`, 'known-at'],
  ])('refuses on %s %s: 400 naming knownAt and the rule', async (path, _what, query, rule) => {
    const r = await refusedUnchanged(gw, 400, () => admin.get(`${path}?${query}`));
    expect(r.body.errors).toEqual([expect.objectContaining({ field: 'knownAt', rule })]);
  });
});
