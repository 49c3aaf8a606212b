import { EventStore, RecordedEvent, Snapshot, SnapshotStore } from '@register/event-sourcing';
import { PersonnelEvent } from '@register/contracts';
import { admitted, appointed, huong } from '../domain/fixtures';
import { PersonnelDirectory } from './personnel-directory';

const SECRET = 'a-fingerprint-secret-for-tests';
let position = 0;
const recorded = (e: PersonnelEvent): RecordedEvent =>
  ({ ...e, eventId: `e${++position}`, schemaVersion: 1, streamId: 's', revision: 0, position, recordedAt: '', metadata: { actor: 'a', reason: 'r', effectiveDate: '2025-01-01', correlationId: 'c' } }) as RecordedEvent;

describe("the write side's view of personnel's log", () => {
  const head = { value: 0 };
  const directory = new PersonnelDirectory({ headPosition: async () => head.value } as unknown as EventStore);
  for (const e of [admitted('m1', 'b1'), admitted('m2', 'b1'), admitted('m3', 'b2')]) directory.apply(recorded(e));

  it('follows transfers and status changes; counts only members in the branch; keeps no personal data', () => {
    directory.apply(recorded({ type: 'MemberTransferred', data: { memberId: 'm3', fromBranchId: 'b2', toBranchId: 'b1', transferredOn: '2025-01-01', duesSettledUpTo: '2025-01-01', cause: 'transfer' } }));
    directory.apply(recorded({ type: 'MemberStatusChanged', data: { memberId: 'm2', branchId: 'b1', status: 'left', previousStatus: 'active', changedOn: '2025-01-01' } }));
    expect(directory.membersOf('b1')).toEqual(['m1', 'm3']);
    expect(directory.memberCount('b2')).toBe(0);
    expect(directory.member('m1')).toEqual({ id: 'm1', branchId: 'b1', status: 'active' });
  });

  it('keeps the posts held now', () => {
    directory.apply(recorded(appointed('m1')));
    expect(directory.officersOf('b1').map((p) => p.memberId)).toEqual(['m1']);
    directory.apply(recorded({ type: 'OfficerDeparted', data: { branchId: 'b1', memberId: 'm1', role: 'secretary', endsOn: '2025-02-01', cause: 'resigned' } }));
    expect(directory.officersOf('b1')).toEqual([]);
  });

  it('refuses to answer (503) rather than decide on a view behind the log', async () => {
    head.value = position;
    await expect(directory.caughtUp(10)).resolves.toBeUndefined();
    head.value = position + 1;
    await expect(directory.caughtUp(10)).rejects.toMatchObject({ status: 503 });
  });
});

describe("the write side's view resumed from its snapshot", () => {
  it('folds only what came after the snapshot, and answers as the view that folded everything', async () => {
    const saved: Array<[string, Snapshot]> = [];
    const snapshots: SnapshotStore = { load: async (n) => saved.filter(([k]) => k === n).pop()?.[1], save: async (n, s) => void saved.push([n, s]) };
    const log = [admitted('m1', 'b1'), admitted('m2', 'b1'), appointed('m1'), admitted('m3', 'b2')].map(recorded);
    const later = recorded({ type: 'MemberTransferred', data: { memberId: 'm2', fromBranchId: 'b1', toBranchId: 'b2', transferredOn: '2025-01-01', duesSettledUpTo: '2025-01-01', cause: 'transfer' } });
    const subscribedAfter: number[] = [];
    const store = (events: RecordedEvent[]) =>
      ({
        headPosition: async () => events[events.length - 1].position,
        subscribe: (after: number, handler: (e: RecordedEvent) => void) => {
          subscribedAfter.push(after);
          events.filter((e) => e.position > after).forEach(handler);
          return { stop: async () => undefined, done: new Promise(() => undefined) };
        },
      }) as unknown as EventStore;

    const first = new PersonnelDirectory(store(log), snapshots, SECRET);
    await first.onModuleInit();
    await first.onModuleDestroy();
    const resumed = new PersonnelDirectory(store([...log, later]), snapshots, SECRET);
    await resumed.onModuleInit();
    const whole = new PersonnelDirectory(store([...log, later]));
    await whole.onModuleInit();

    expect(subscribedAfter).toEqual([0, log[log.length - 1].position, 0]);
    for (const view of [resumed, whole]) {
      expect([view.membersOf('b1'), view.membersOf('b2'), view.officersOf('b1').map((p) => p.memberId), view.member('m2')?.branchId]).toEqual([['m1'], ['m3', 'm2'], ['m1'], 'b2']);
      expect([view.namesakes.membersNamed('b1', huong.fullName, huong.dateOfBirth), view.namesakes.membersNamed('b2', huong.fullName, huong.dateOfBirth)]).toEqual([['m1'], ['m3', 'm2']]);
    }
    expect(JSON.stringify(saved)).not.toContain(huong.fullName);
    const underAnotherKey = new PersonnelDirectory(store([...log, later]), snapshots, 'another-secret-0123456789');
    await underAnotherKey.onModuleInit();
    expect(subscribedAfter.pop()).toBe(0);
  });
});

describe("the write side's namesake index", () => {
  const directory = new PersonnelDirectory({ headPosition: async () => 0 } as unknown as EventStore, undefined, SECRET);
  const named = (branchId: string, fullName = huong.fullName) => directory.namesakes.membersNamed(branchId, fullName, huong.dateOfBirth);
  const corrected = (memberId: string, fullName: string) => directory.apply(recorded({ type: 'MemberPersonalDataCorrected', data: { memberId, personal: { ...huong, fullName } } }));

  it('finds members by branch, name as the directory matches it (case, spaces; diacritics kept) and date of birth', () => {
    for (const e of [admitted('n1', 'b1'), admitted('n2', 'b1', { ...huong, fullName: 'Hường' }), admitted('n3', 'b2')]) directory.apply(recorded(e));
    expect([named('b1'), named('b1', ` ${huong.fullName.toUpperCase()}  `), named('b2')]).toEqual([['n1'], ['n1'], ['n3']]);
  });

  it('moves a member with a transfer, replaces the key on a correction, drops it on erasure (later corrections too)', () => {
    directory.apply(recorded({ type: 'MemberTransferred', data: { memberId: 'n1', fromBranchId: 'b1', toBranchId: 'b2', transferredOn: '2025-01-01', duesSettledUpTo: '2025-01-01', cause: 'transfer' } }));
    expect([named('b1'), named('b2')]).toEqual([[], ['n3', 'n1']]);
    corrected('n3', 'Lò Thị Mai');
    expect([named('b2'), named('b2', 'Lò Thị Mai')]).toEqual([['n1'], ['n3']]);
    directory.apply(recorded({ type: 'MemberPersonalDataErased', data: { memberId: 'n1', erasedOn: '2025-01-02' } }));
    corrected('n1', huong.fullName);
    expect(named('b2')).toEqual([]);
  });
});

describe("the write side's view when its log is away for a while", () => {
  it('follows the log again after its subscription failed (PostgreSQL SIGKILLed), from where it was', async () => {
    const log = [admitted('m1', 'b1'), admitted('m2', 'b1')].map(recorded);
    const later = recorded(admitted('m3', 'b2'));
    const subscribedAfter: number[] = [];
    const store = {
      headPosition: async () => log[log.length - 1].position,
      subscribe: (after: number, handler: (e: RecordedEvent) => void) => {
        subscribedAfter.push(after);
        if (subscribedAfter.length === 1) {
          log.filter((e) => e.position > after).forEach(handler);
          return { stop: async () => undefined, done: Promise.reject(new Error('Connection terminated unexpectedly')) };
        }
        [later].filter((e) => e.position > after).forEach(handler);
        return { stop: async () => undefined, done: new Promise(() => undefined) };
      },
    } as unknown as EventStore;
    const directory = new PersonnelDirectory(store, undefined, SECRET);
    await directory.onModuleInit();
    try {
      expect(await directory.waitFor(later.position, 10_000)).toBe(true);
      expect(subscribedAfter).toEqual([0, log[log.length - 1].position]);
      expect(directory.member('m3')).toEqual({ id: 'm3', branchId: 'b2', status: 'active' });
    } finally {
      await directory.onModuleDestroy();
    }
  });
});
