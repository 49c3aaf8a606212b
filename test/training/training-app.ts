import { Gateway, isProblem, Reply, seedTree, startGateway } from '../gateway/gateway-app';

/**
 * The embedded start (gateway-app: training beside the other services), the seeded tree, and a
 * central administrator. `sync()` hands organisation's events to personnel and training, then
 * personnel's (as published: personal data sealed) to training, as their consumers would.
 */
export async function startTraining() {
  const gw = await startGateway();
  const admin = gw.api(await gw.bearer({ sub: 'admin', roles: ['central-admin'] }));
  await seedTree(admin);
  const trainingLog = gw.trainingStore;
  const sync = gw.syncTraining;
  await sync();
  /** Every log's head (training's last): a refused call appends to none. */
  const heads = gw.heads;
  const refusedUnchanged = async (status: number, send: () => Promise<Reply>) => {
    const before = await heads();
    const r = await send();
    expect({ status: r.status, problem: isProblem(r), body: status === r.status ? undefined : r.body }).toEqual({ status, problem: true, body: undefined });
    expect(await heads()).toBe(before);
    return r;
  };
  return { gw, admin, sync, heads, trainingLog, refusedUnchanged };
}

export type TrainingApp = Awaited<ReturnType<typeof startTraining>>;
export type { Gateway };

export const why = (reason = 'tập huấn', effectiveDate?: string) => ({ reason, ...(effectiveDate ? { effectiveDate } : {}) });

/** A name from an id: its digits as letters (a name is letters), so that no two members of a branch are namesakes. */
const nameOf = (id: string) => id.replace(/[^a-z0-9]/gi, '').replace(/\d/g, (d) => 'abcdefghij'[Number(d)]);

/** Admits members into a branch (ids given), each born in 2000, admitted on 2025-02-01. */
export async function admit(admin: ReturnType<Gateway['api']>, branchId: string, ids: string[]) {
  for (const id of ids) {
    const r = await admin.post('/members', { id, branchId, fullName: `Lò Văn ${nameOf(id)}`, dateOfBirth: '2000-01-01', gender: 'male', admittedOn: '2025-02-01', reason: 'kết nạp', effectiveDate: '2025-02-01' });
    if (r.status !== 201) throw new Error(`admit ${id}: ${r.status} ${r.raw}`);
  }
}

export async function appoint(admin: ReturnType<Gateway['api']>, branchId: string, memberId: string, role: 'secretary' | 'deputy-secretary', startsOn = '2025-02-01') {
  const r = await admin.post(`/branches/${branchId}/officer-appointments`, { memberId, role, method: 'elected', source: 'other', startsOn, reason: 'bầu', effectiveDate: startsOn });
  if (r.status !== 201) throw new Error(`appoint ${memberId}: ${r.status} ${r.raw}`);
}
