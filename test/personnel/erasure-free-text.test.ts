import { EventStore } from '@register/event-sourcing';
import { toMessage } from '@register/messaging';
import { PERSONNEL_LOG } from '../../services/personnel/src/application/tokens';
import { Distributed, startDistributed } from '../gateway/distributed-app';
import { Gateway, seedTree, startGateway } from '../gateway/gateway-app';

/**
 * Issue 14, hole 7: a member named in free text (the reason, the decision's number and issuer) is
 * erased there too. Free text on a member's events is sealed with the member's key, like
 * `personal`, so shredding the key leaves "[erased]" in the history, the audit history and the
 * audit log; the log as relayed never holds it in the clear.
 */
const NAME = 'Vi Thị Riêng';
const BORN = '2002-11-17';
const named = (what: string) => `${what} ${NAME}, sinh ngày ${BORN}`;

interface Client {
  get(path: string, headers: Record<string, string>): Promise<{ status: number; text: string }>;
  post(path: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; text: string }>;
}
interface Callers {
  admin: Record<string, string>;
  auditor: Record<string, string>;
}

/** Every answer that shows the member's history, as raw JSON. */
async function answersAbout(client: Client, callers: Callers, memberId: string) {
  const reads = [
    client.get(`/members/${memberId}`, callers.admin),
    client.get(`/members/${memberId}/history`, callers.admin),
    client.get(`/audit/entities/member/${memberId}/history`, callers.auditor),
    client.get(`/audit/events?streamId=member-${memberId}&limit=500`, callers.auditor),
    client.get(`/audit/events?limit=500`, callers.auditor),
  ];
  const answers = await Promise.all(reads);
  for (const a of answers) expect(a.status === 200 ? 200 : a.text).toBe(200);
  return answers.map((a) => a.text);
}

async function admitTransferErase(client: Client, callers: Callers, memberId: string, syncPersonnel: () => Promise<void>) {
  await syncPersonnel();
  const admitted = await client.post(
    '/members',
    {
      id: memberId,
      branchId: 'b-1',
      fullName: NAME,
      dateOfBirth: BORN,
      gender: 'female',
      admittedOn: '2021-03-26',
      reason: named('kết nạp đoàn viên'),
      decisionRef: { number: named('QĐ kết nạp'), issuedBy: named('BTV Huyện đoàn, hồ sơ'), date: '2021-03-20' },
      effectiveDate: '2021-03-26',
    },
    callers.admin,
  );
  expect(admitted.status).toBe(201);
  const moved = await client.post(`/members/${memberId}/transfers`, { toBranchId: 'b-2', duesSettledUpTo: '2025-01-31', reason: named('chuyển sinh hoạt cho'), effectiveDate: '2025-01-10' }, callers.admin);
  expect(moved.status).toBe(201);
  // A read whose declared purpose names the member: the purpose is erased with them.
  expect((await client.get(`/members/${memberId}`, { ...callers.admin, 'x-purpose': `verify Vi Thi Rieng ${BORN}` })).status).toBe(200);
  const purposes = async () => (JSON.parse((await client.get(`/members/${memberId}/personal-data-reads`, callers.admin)).text) as { items: Array<{ purpose: string | null }> }).items.map((r) => r.purpose);
  expect(await purposes()).toContain(`verify Vi Thi Rieng ${BORN}`);
  const before = await answersAbout(client, callers, memberId);
  // Present before: the history and both audit reads show the reason and the decision.
  for (const text of before.slice(1)) expect([text.includes(NAME), text.includes(BORN)]).toEqual([true, true]);
  const erased = await client.post(`/members/${memberId}/personal-data-erasure`, { reason: named('xóa dữ liệu theo yêu cầu của') }, callers.admin);
  expect(erased.status).toBe(201);
  const after = await answersAbout(client, callers, memberId);
  expect((await purposes()).filter((p) => p !== null && p !== '[erased]')).toEqual([]);
  expect(await purposes()).toContain('[erased]');
  for (const text of after) expect([text.includes(NAME), text.includes(BORN)]).toEqual([false, false]);
  const history = JSON.parse(after[1]) as { items: Array<{ type: string; reason: string; decision: unknown; effectiveDate: string; actor: string }> };
  expect(history.items.map((e) => [e.type, e.reason, e.effectiveDate, e.actor])).toEqual([
    ['MemberAdmitted', '[erased]', '2021-03-26', 'admin'],
    ['MemberTransferred', '[erased]', '2025-01-10', 'admin'],
    ['MemberPersonalDataErased', '[erased]', expect.any(String), 'admin'],
  ]);
  expect(history.items[0].decision).toEqual({ number: '[erased]', issuedBy: '[erased]', date: '2021-03-20' });
}

/** The log as stored is what the relay publishes: no name, no birth date, even before erasure. */
async function expectSealedAtRest(log: EventStore, memberId: string) {
  const messages = (await log.readStream(`member-${memberId}`)).map((e) => toMessage(e).value);
  expect(messages.length).toBeGreaterThan(0);
  for (const m of messages) expect([m.includes(NAME), m.includes(BORN), m.includes('Riêng')]).toEqual([false, false, false]);
}

describe('erasure reaches free text (embedded gateway)', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway();
    await seedTree(gw.api(await gw.bearer({ sub: 'admin', roles: ['central-admin'] })));
  });
  afterAll(async () => gw?.close());

  it('name and birth date in reason and decision are shown before erasure and gone from every answer after; sealed at rest', async () => {
    const raw = (r: { status: number; raw: string }) => ({ status: r.status, text: r.raw });
    const client: Client = {
      get: async (path, headers) => raw(await gw.api(headers).get(path)),
      post: async (path, body, headers) => raw(await gw.api(headers).post(path, body)),
    };
    const callers = { admin: await gw.bearer({ sub: 'admin', roles: ['central-admin'] }), auditor: await gw.bearer({ sub: 'kiem-toan', roles: ['auditor'] }) };
    await admitTransferErase(client, callers, 'm-rieng', gw.syncPersonnel);
    await expectSealedAtRest(gw.app.get<EventStore>(PERSONNEL_LOG), 'm-rieng');
  });
});

describe('erasure reaches free text (distributed gateway)', () => {
  let d: Distributed;
  beforeAll(async () => {
    d = await startDistributed('test-internal-secret-0123456789');
  });
  afterAll(async () => d?.close());

  it('name and birth date in reason and decision are shown before erasure and gone from every answer after; sealed at rest', async () => {
    const text = (r: { status: number; body: unknown }) => ({ status: r.status, text: JSON.stringify(r.body) });
    const client: Client = {
      get: async (path, headers) => text(await d.gw.get(path, headers)),
      post: async (path, body, headers) => text(await d.gw.post(path, body, headers)),
    };
    const callers = { admin: await d.token({ sub: 'admin', roles: ['central-admin'] }), auditor: await d.token({ sub: 'kiem-toan', roles: ['auditor'] }) };
    await admitTransferErase(client, callers, 'm-rieng-d', async () => undefined);
    await expectSealedAtRest(d.personnel.get<EventStore>(PERSONNEL_LOG), 'm-rieng-d');
  });
});
