import { REMOTE_LOGS, RemoteLogs } from '../../services/gateway/src/audit/audit-log';
import { Distributed, startDistributed } from './distributed-app';

/**
 * The gateway's reporting projections read a distributed service's log through its internal
 * endpoint, asking for the event types they handle (`types`): the service sends those only, so a
 * catch-up of the evaluation facts no longer carries every self-assessment over HTTP. A `types`
 * that names no event type is a 400 naming the field, and the log is not read.
 */
describe('a service\'s internal log endpoint, read for some event types (distributed)', () => {
  let d: Distributed;
  beforeAll(async () => {
    d = await startDistributed('test-internal-secret-0123456789');
    for (const [id, fullName] of [['m-loai-1', 'Hoàng Thị Lựa'], ['m-loai-2', 'Vàng A Chọn']]) {
      const admitted = await d.gw.post('/members', { id, branchId: 'b-1', fullName, dateOfBirth: '2003-04-05', gender: 'female', admittedOn: '2022-03-26', reason: 'kết nạp', effectiveDate: '2022-03-26' }, d.admin);
      expect(admitted.status).toBe(201);
    }
    const away = await d.gw.post('/members/m-loai-2/status-changes', { status: 'away-work', reason: 'đi làm ăn xa', effectiveDate: '2023-02-01' }, d.admin);
    expect(away.status).toBe(201);
  }, 180_000);
  afterAll(async () => d?.close());

  it('gives only the events of the types asked, in position order; without types, every event', async () => {
    const personnel = d.gateway.get<RemoteLogs>(REMOTE_LOGS, { strict: false })('personnel');
    const all = await personnel.readAll(0, 1000);
    expect(new Set(all.map((e) => e.type)).size).toBeGreaterThan(1);
    const admissions = await personnel.readAll(0, 1000, { types: ['MemberAdmitted'] });
    expect(admissions.map((e) => e.position)).toEqual(all.filter((e) => e.type === 'MemberAdmitted').map((e) => e.position));
    expect(admissions.length).toBeGreaterThanOrEqual(2);
    expect(await personnel.readAll(0, 1000, { types: [] })).toEqual([]);
  });

  it('refuses types that name no event type with 400, naming the field and the rule', async () => {
    const personnel = d.gateway.get<RemoteLogs>(REMOTE_LOGS, { strict: false })('personnel');
    // The gateway's client turns the service's 400 into the same validation failure, with its errors.
    const refused = { name: 'ValidationFailed', errors: [expect.objectContaining({ field: 'types', rule: 'event-types' })] };
    await expect(personnel.readAll(0, 10, { types: ['member admitted; drop'] })).rejects.toMatchObject(refused);
    await expect(personnel.readAll(0, 10, { types: Array.from({ length: 101 }, (_, i) => `T${i}`) })).rejects.toMatchObject(refused);
  });
});
