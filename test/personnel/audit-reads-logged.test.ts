import { Distributed, startDistributed } from '../gateway/distributed-app';
import { OrganisationReactions } from '../../services/personnel/src/reactions/organisation-reactions.service';
import { Gateway, handOver, seedTree, startGateway } from '../gateway/gateway-app';

/**
 * Issue 16: an auditor's reads of a member's events through the audit API (`/audit/events`, the
 * member's audit history) are in that member's personal-data read log, with the auditor as actor
 * and the declared purpose, as `/members/{id}/history` reads are: the members in the answer, not
 * every member whose events the filter passed over. A read of organisation's log alone shows no
 * member's events and logs nothing; an X-Purpose members' reads refuse is refused
 * here too (400), and nothing is logged. A secretary's audit history (their stream and their
 * branch's officers) is one read, logged once.
 */
interface Client {
  get(path: string, headers: Record<string, string>): Promise<{ status: number; body: unknown }>;
  post(path: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; body: unknown }>;
}
interface Read {
  actor: string;
  purpose: string | null;
  endpoint: string;
}

async function auditorReadsAreLogged(client: Client, admin: Record<string, string>, auditor: Record<string, string>, memberId: string, sync: () => Promise<void> = async () => undefined) {
  for (const [id, fullName] of [[memberId, 'Hà Thị Kiểm'], [`${memberId}-2`, 'Lò Văn Khác']]) {
    const admitted = await client.post('/members', { id, branchId: 'b-1', fullName, dateOfBirth: '2003-04-05', gender: 'female', admittedOn: '2022-03-26', reason: 'kết nạp', effectiveDate: '2022-03-26' }, admin);
    expect(admitted.status).toBe(201);
  }
  const auditorsReads = async () => {
    const answer = await client.get(`/members/${memberId}/personal-data-reads`, admin);
    expect(answer.status).toBe(200);
    return (answer.body as { items: Read[] }).items.filter((r) => r.actor === 'kiem-toan').map((r) => [r.endpoint, r.purpose]);
  };
  const read = async (path: string, headers: Record<string, string>) => expect((await client.get(path, headers)).status).toBe(200);

  await read('/audit/events?service=organisation&limit=500', auditor);
  expect(await auditorsReads()).toEqual([]);
  // Only the members in the answer: a page filtered to another member's stream does not name this one.
  await read(`/audit/events?service=personnel&streamId=member-${memberId}-2`, auditor);
  expect(await auditorsReads()).toEqual([]);
  await read('/audit/events?service=personnel&limit=500', { ...auditor, 'x-purpose': 'annual audit' });
  expect(await auditorsReads()).toEqual([['GET /audit/events', 'annual audit']]);
  const tooLong = await client.get('/audit/events?service=personnel&limit=500', { ...auditor, 'x-purpose': 'x'.repeat(201) });
  expect([tooLong.status, (tooLong.body as { errors?: Array<{ field: string; rule: string }> }).errors?.map((e) => [e.field, e.rule])]).toEqual([400, [['X-Purpose', 'maxLength']]]);
  expect(await auditorsReads()).toEqual([['GET /audit/events', 'annual audit']]);
  // A secretary's history reads their own stream and their branch's officers: one read, logged once.
  const appointed = await client.post('/branches/b-1/officer-appointments', { memberId, role: 'secretary', method: 'appointed', source: 'teacher', startsOn: '2025-02-01', reason: 'chỉ định' }, admin);
  expect(appointed.status).toBe(201);
  await read(`/audit/entities/member/${memberId}/history`, auditor);
  expect(await auditorsReads()).toEqual([
    ['GET /audit/entities/{type}/{id}/history', null],
    ['GET /audit/events', 'annual audit'],
  ]);
  // A member sent from the commune's administrative branch (no residential area) to lead another: their post there is in their history too.
  const administrative = await client.post('/branches', { id: `adm-${memberId}`, parentUnitId: 'xa-1', name: `Chi đoàn cơ quan ${memberId}`, area: null, reason: 'thành lập' }, admin);
  expect(administrative.status).toBe(201);
  await sync();
  const admitted = await client.post('/members', { id: `${memberId}-3`, branchId: `adm-${memberId}`, fullName: 'Lương Thị Xuân', dateOfBirth: '2001-04-05', gender: 'female', admittedOn: '2022-03-26', reason: 'kết nạp', effectiveDate: '2022-03-26' }, admin);
  expect(admitted.status).toBe(201);
  const sent = await client.post('/branches/b-2/officer-appointments', { memberId: `${memberId}-3`, role: 'deputy-secretary', method: 'appointed', source: 'commune-administrative-branch', startsOn: '2025-03-01', reason: 'cử cán bộ xã' }, admin);
  expect(sent.status).toBe(201);
  const history = (await client.get(`/audit/entities/member/${memberId}-3/history`, auditor)).body as { changes: Array<{ type: string; streamId: string }> };
  expect(history.changes.filter((c) => c.type === 'OfficerAppointed').map((c) => c.streamId)).toEqual(['branch-officers-b-2']);
}

describe("auditors' reads of personal data are logged (embedded gateway)", () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway();
    await seedTree(gw.api(await gw.bearer({ sub: 'admin', roles: ['central-admin'] })));
  });
  afterAll(async () => gw?.close());

  it("/audit/events of personnel and a member's audit history are in the member's read log; organisation's log alone is not", async () => {
    const client: Client = {
      get: async (path, headers) => gw.api(headers).get(path).then((r) => ({ status: r.status, body: r.body as unknown })),
      post: async (path, body, headers) => gw.api(headers).post(path, body).then((r) => ({ status: r.status, body: r.body as unknown })),
    };
    await gw.syncPersonnel();
    await auditorReadsAreLogged(client, await gw.bearer({ sub: 'admin', roles: ['central-admin'] }), await gw.bearer({ sub: 'kiem-toan', roles: ['auditor'] }), 'm-kiem', () => gw.syncPersonnel());
  });
});

describe("auditors' reads of personal data are logged (distributed gateway)", () => {
  let d: Distributed;
  beforeAll(async () => {
    d = await startDistributed('test-internal-secret-0123456789');
  });
  afterAll(async () => d?.close());

  it("/audit/events of personnel and a member's audit history are in the member's read log; organisation's log alone is not", async () => {
    const client: Client = { get: (path, headers) => d.gw.get(path, headers), post: (path, body, headers) => d.gw.post(path, body, headers) };
    const sync = handOver(d.orgStore, d.personnel.get(OrganisationReactions));
    await auditorReadsAreLogged(client, await d.token({ sub: 'admin', roles: ['central-admin'] }), await d.token({ sub: 'kiem-toan', roles: ['auditor'] }), 'm-kiem-d', sync);
  });
});
