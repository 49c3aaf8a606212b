import { EventStore } from '@register/event-sourcing';
import { PERSONNEL_LOG } from '../../services/personnel/src/application/tokens';
import { TRAINING_STORE } from '../../services/training/src/application/tokens';
import { TrainingReactions } from '../../services/training/src/reactions/training-reactions.service';
import { TrainingModule } from '../../services/training/src/training.module';
import { Gateway, isProblem, Reply, seedTree, startGateway } from '../gateway/gateway-app';

/** Hands a log's new events, in order, to a consumer's handler, as the bus would (the relay is off in these tests). */
function handOver(log: EventStore, handle: (e: Awaited<ReturnType<EventStore['readAll']>>[number]) => Promise<unknown>) {
  let handedOver = 0;
  return async () => {
    for (let page = await log.readAll(handedOver, 500); page.length > 0; page = await log.readAll(handedOver, 500)) {
      for (const e of page) await handle(e);
      handedOver = page[page.length - 1].position;
    }
  };
}

/**
 * The embedded start with training beside organisation and personnel, the seeded tree, and a
 * central administrator. `sync()` hands organisation's events to personnel and training, then
 * personnel's (as published: personal data sealed) to training, as their consumers would.
 */
export async function startTraining() {
  const gw = await startGateway({ modules: [TrainingModule] });
  const admin = gw.api(await gw.bearer({ sub: 'admin', roles: ['central-admin'] }));
  await seedTree(admin);
  const reactions = gw.app.get(TrainingReactions);
  const trainingLog = gw.app.get<EventStore>(TRAINING_STORE);
  const fromOrganisation = handOver(gw.store, (e) => reactions.handle(e));
  const fromPersonnel = handOver(gw.app.get<EventStore>(PERSONNEL_LOG), (e) => reactions.handle(e));
  const sync = async () => {
    await gw.syncPersonnel();
    await fromOrganisation();
    await fromPersonnel();
  };
  await sync();
  /** Every log's head: a refused call appends to none. */
  const heads = async () => `${await gw.heads()}/${await trainingLog.headPosition()}`;
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
