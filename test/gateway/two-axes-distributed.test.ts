import { setTimeout as sleep } from 'node:timers/promises';
import { OrganisationReactions } from '../../services/personnel/src/reactions/organisation-reactions.service';
import { Distributed, startDistributed } from './distributed-app';
import { handOver } from './gateway-app';

/**
 * Issue 20, point 5, distributed: the two time axes through the gateway, on PostgreSQL, whose own
 * clock records the events. A branch merger effective 1 July 2025 recorded late (after `before`):
 * b-1 is merged only on the day after, as known after; its member moves to b-3 the same way.
 */
describe('two time axes (distributed gateway)', () => {
  let d: Distributed;
  let before: string;
  let after: string;

  beforeAll(async () => {
    d = await startDistributed('test-internal-secret-0123456789');
    const admitted = await d.gw.post('/members', { id: 'm-1', branchId: 'b-1', fullName: 'Lô Thị Mai', dateOfBirth: '2001-04-02', gender: 'female', admittedOn: '2025-02-01', reason: 'kết nạp' }, d.admin);
    expect(admitted.status === 201 ? 201 : JSON.stringify(admitted.body)).toBe(201);
    await sleep(20);
    before = new Date().toISOString();
    await sleep(20);
    const merged = await d.gw.post('/branch-mergers', { sourceBranchIds: ['b-1'], into: { branchId: 'b-3' }, reason: 'sáp nhập bản', effectiveDate: '2025-07-01' }, d.admin);
    expect(merged.status === 201 ? 201 : JSON.stringify(merged.body)).toBe(201);
    await handOver(d.orgStore, d.personnel.get(OrganisationReactions))();
    await sleep(20);
    after = new Date().toISOString();
  });
  afterAll(async () => d?.close());

  const read = async (path: string, asOf: string, knownAt: string) => {
    const r = await d.gw.get(`${path}?asOf=${asOf}&knownAt=${encodeURIComponent(knownAt)}`, d.admin);
    expect(r.status === 200 ? 200 : JSON.stringify(r.body)).toBe(200);
    return r.body as Record<string, unknown>;
  };

  it('answers the four readings of a merger recorded late, for the branch and for its member', async () => {
    const answers = [];
    for (const asOf of ['2025-06-30', '2025-07-02']) {
      for (const knownAt of [before, after]) answers.push(`${asOf} ${knownAt === before ? 'before' : 'after'}: ${(await read('/branches/b-1', asOf, knownAt)).status} ${(await read('/members/m-1', asOf, knownAt)).branchId}`);
    }
    expect(answers).toEqual(['2025-06-30 before: active b-1', '2025-06-30 after: active b-1', '2025-07-02 before: active b-1', '2025-07-02 after: merged b-3']);
    const refused = await d.gw.get(`/branches/b-1?asOf=${encodeURIComponent(after)}&knownAt=${encodeURIComponent(after)}`, d.admin);
    expect([refused.status, (refused.body as { errors: unknown }).errors]).toEqual([400, [expect.objectContaining({ field: 'knownAt', rule: 'known-at-with-instant' })]]);
  });
});
