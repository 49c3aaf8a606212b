import * as v8 from 'node:v8';
import { EventStore, RecordedEvent, Snapshot, SnapshotStore } from '@register/event-sourcing';
import { PersonnelEvent } from '@register/contracts';
import { admitted, appointed, huong } from '../domain/fixtures';
import { InMemoryKeyVault } from '@register/personal-data';
import { PersonnelDirectory } from './personnel-directory';

const SECRET = 'a-fingerprint-secret-for-tests';
let position = 0;
const recorded = (e: PersonnelEvent): RecordedEvent =>
  ({ ...e, eventId: `e${++position}`, schemaVersion: 1, streamId: 's', revision: 0, position, recordedAt: '2025-01-01T08:00:00.000Z', metadata: { actor: 'a', reason: 'r', effectiveDate: '2025-01-01', correlationId: 'c' } }) as RecordedEvent;
/** The same recorded on 1 January and taking effect on `day`. */
const dated = (e: PersonnelEvent, day: string): RecordedEvent => ({ ...recorded(e), metadata: { ...recorded(e).metadata, effectiveDate: day } });

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

  it('marks a member whose branch or status changes on a day later than it was recorded, until the latest such day', () => {
    const d = new PersonnelDirectory({ headPosition: async () => 0 } as unknown as EventStore);
    d.apply(recorded(admitted('f1', 'b1')));
    d.apply(dated({ type: 'MemberTransferred', data: { memberId: 'f1', fromBranchId: 'b1', toBranchId: 'b2', transferredOn: '2025-03-01', duesSettledUpTo: '2025-01-01', cause: 'transfer' } }, '2025-03-01'));
    expect(d.member('f1')).toEqual({ id: 'f1', branchId: 'b2', status: 'active', settledOn: '2025-03-01', formerBranchIds: ['b1'] });
    // a change of that very day, or backdated, leaves the later day standing
    d.apply(recorded({ type: 'MemberStatusChanged', data: { memberId: 'f1', branchId: 'b2', status: 'away-work', previousStatus: 'active', changedOn: '2025-01-01' } }));
    expect(d.member('f1')?.settledOn).toBe('2025-03-01');
    d.apply(dated({ type: 'MemberStatusChanged', data: { memberId: 'f1', branchId: 'b2', status: 'active', previousStatus: 'away-work', changedOn: '2025-06-01' } }, '2025-06-01'));
    expect(d.member('f1')?.settledOn).toBe('2025-06-01');
  });

  it("counts a branch's members on a day without those admitted or transferred in after it (a probe's admission typed 2200 lifted the small branch's deputy rule)", () => {
    const d = new PersonnelDirectory({ headPosition: async () => 0 } as unknown as EventStore);
    d.apply(recorded(admitted('c1', 'b1')));
    d.apply(dated(admitted('c2', 'b1'), '2200-01-01'));
    d.apply(recorded(admitted('c3', 'b2')));
    d.apply(dated({ type: 'MemberTransferred', data: { memberId: 'c3', fromBranchId: 'b2', toBranchId: 'b1', transferredOn: '2025-03-01', duesSettledUpTo: '2025-01-01', cause: 'transfer' } }, '2025-03-01'));
    expect([d.memberCount('b1'), d.memberCountOn('b1', '2025-02-01'), d.memberCountOn('b1', '2025-03-01'), d.memberCountOn('b1', '2200-01-01')]).toEqual([3, 1, 2, 3]);
  });

  it('keeps every member ever placed in a branch (admitted, transferred in), whoever left it since', () => {
    directory.apply(recorded({ type: 'MemberTransferred', data: { memberId: 'm1', fromBranchId: 'b1', toBranchId: 'b3', transferredOn: '2025-01-01', duesSettledUpTo: '2025-01-01', cause: 'merger' } }));
    expect([directory.placedIn(['b1']), directory.placedIn(['b2', 'b3']), directory.placedIn(['bx'])]).toEqual([['m1', 'm2', 'm3'], ['m3', 'm1'], []]);
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
    const store = (events: RecordedEvent[]) => logOf(events, subscribedAfter);

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
      expect([view.placedIn(['b1']), view.placedIn(['b2'])]).toEqual([['m1', 'm2'], ['m3', 'm2']]);
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

  it('knows who has a national ID number, in any branch; a correction without it keeps it, one with another replaces it, an erasure drops it', () => {
    directory.apply(recorded(admitted('p1', 'b1', { ...huong, nationalId: '040095000105' })));
    expect([directory.namesakes.holderOf('040095000105'), directory.namesakes.holderOf('040095000106')]).toEqual(['p1', undefined]);
    corrected('p1', 'Lò Thị Hương Mai');
    expect(directory.namesakes.holderOf('040095000105')).toBe('p1');
    directory.apply(recorded({ type: 'MemberPersonalDataCorrected', data: { memberId: 'p1', personal: { ...huong, nationalId: '040095000106' } } }));
    expect([directory.namesakes.holderOf('040095000105'), directory.namesakes.holderOf('040095000106')]).toEqual([undefined, 'p1']);
    directory.apply(recorded({ type: 'MemberPersonalDataErased', data: { memberId: 'p1', erasedOn: '2025-01-02' } }));
    expect(directory.namesakes.holderOf('040095000106')).toBeUndefined();
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

/** A log of these events that records from where each subscription reads, and hands it what follows. */
const logOf = (events: RecordedEvent[], subscribedAfter: number[]) =>
  ({
    headPosition: async () => events[events.length - 1].position,
    subscribe: (after: number, handler: (e: RecordedEvent) => void) => {
      subscribedAfter.push(after);
      events.filter((e) => e.position > after).forEach(handler);
      return { stop: async () => undefined, done: new Promise(() => undefined) };
    },
  }) as unknown as EventStore;

const minh = { ...huong, fullName: 'Lò Văn Minh', gender: 'male' as const };

/** Every answer the view gives, for these branches and members, namesakes included. */
const answers = (view: PersonnelDirectory) => ({
  branches: ['b1', 'b2', 'bx'].map((b) => ({
    members: view.membersOf(b),
    count: view.memberCount(b),
    officers: view.officersOf(b),
    huong: view.namesakes.membersNamed(b, huong.fullName, huong.dateOfBirth),
    minh: view.namesakes.membersNamed(b, minh.fullName, minh.dateOfBirth),
    placed: view.placedIn([b]),
    residents: view.residentsOf(b),
  })),
  members: ['m1', 'm2', 'm3', 'm4', 'm5', 'mx'].map((m) => view.member(m)),
  nationalIds: ['040095000105', '001203000007', '001203000008'].map((n) => view.namesakes.holderOf(n)),
});

describe("the write side's view kept across a restart (the embedded start's snapshot)", () => {
  const transferred = (memberId: string, fromBranchId: string, toBranchId: string) =>
    recorded({ type: 'MemberTransferred', data: { memberId, fromBranchId, toBranchId, transferredOn: '2025-01-01', duesSettledUpTo: '2025-01-01', cause: 'transfer' } });
  const corrected = (memberId: string, personal = minh) => recorded({ type: 'MemberPersonalDataCorrected', data: { memberId, personal } });
  const given = () => {
    // Given a view fed admissions (namesakes among them), a transfer into a branch after others joined it, a post, a member away, an erasure
    const log = [
      admitted('m1', 'b1', { ...huong, nationalId: '040095000105' }),
      admitted('m3', 'b2'),
      admitted('m2', 'b1'),
      admitted('m4', 'b2', minh),
      appointed('m1'),
    ].map(recorded);
    log.push(transferred('m3', 'b2', 'b1'));
    log.push(recorded({ type: 'MemberStatusChanged', data: { memberId: 'm2', branchId: 'b1', status: 'away-work', previousStatus: 'active', changedOn: '2025-01-01' } }));
    log.push(recorded({ type: 'MemberPersonalDataErased', data: { memberId: 'm4', erasedOn: '2025-01-02' } }));
    log.push(recorded({ type: 'MemberResidentialAffiliationSet', data: { memberId: 'm1', branchId: 'bx', since: '2025-01-01' } }));
    const original = new PersonnelDirectory({ headPosition: async () => 0 } as unknown as EventStore, undefined, SECRET);
    for (const e of log) original.apply(e);
    const later = [
      corrected('m4'),
      transferred('m1', 'b1', 'b2'),
      recorded({ type: 'OfficerDeparted', data: { branchId: 'b1', memberId: 'm1', role: 'secretary', endsOn: '2025-02-01', cause: 'resigned' } }),
      recorded(admitted('m5', 'b2', { ...huong, nationalId: '001203000007' })),
      corrected('m3'),
      transferred('m2', 'b1', 'b2'),
      recorded({ type: 'MemberResidentialAffiliationSet', data: { memberId: 'm1', branchId: null, since: '2025-02-01' } }),
      recorded({ type: 'MemberResidentialAffiliationSet', data: { memberId: 'm3', branchId: 'bx', since: '2025-02-01' } }),
    ];
    return { original, log, later };
  };

  it('answers as the view that read the whole log, follows the log from its position, and stays equal on the same later events', async () => {
    const { original, log, later } = given();
    // When its state goes through v8 and into a fresh view, which then starts
    const loaded: string[] = [];
    const ownSnapshots: SnapshotStore = { load: async (name) => void loaded.push(name), save: async () => undefined };
    const subscribedAfter: number[] = [];
    const restored = new PersonnelDirectory(logOf([...log, ...later], subscribedAfter), ownSnapshots, SECRET);
    restored.restoreState(v8.deserialize(v8.serialize(original.snapshotState())));
    expect(answers(restored)).toEqual(answers(original));
    await restored.onModuleInit();

    // Then it read the log after the position it was given back at, and not its own snapshot
    expect([subscribedAfter, loaded]).toEqual([[log[log.length - 1].position], []]);
    // And it answers as the original fed the same events
    for (const e of later) original.apply(e);
    expect(answers(restored)).toEqual(answers(original));
    expect(answers(restored).branches[0]).toMatchObject({ members: ['m3'], placed: ['m1', 'm2', 'm3'] });
    // The members affiliated where they live, kept through the snapshot and followed after it
    expect(answers(restored).branches[2].residents).toEqual(['m3']);
    expect(answers(restored).branches[1]).toMatchObject({ members: ['m4', 'm1', 'm5', 'm2'], huong: ['m1', 'm5', 'm2'], minh: [] });
    await restored.onModuleDestroy();
  });

  it('reads its log from the start when the snapshot was taken under another fingerprint key', async () => {
    const { original, log, later } = given();
    const subscribedAfter: number[] = [];
    const other = new PersonnelDirectory(logOf([...log, ...later], subscribedAfter), undefined, 'another-secret-0123456789');
    other.restoreState(v8.deserialize(v8.serialize(original.snapshotState())));
    await other.onModuleInit();
    expect(subscribedAfter).toEqual([0]);
    expect(other.namesakes.membersNamed('b2', huong.fullName, huong.dateOfBirth)).toEqual(['m1', 'm5', 'm2']);
    await other.onModuleDestroy();
  });

  it('refuses to be given back once it follows its log', async () => {
    const { original, log } = given();
    const view = new PersonnelDirectory(logOf(log, []), undefined, SECRET);
    await view.onModuleInit();
    expect(() => view.restoreState(original.snapshotState())).toThrow(/before it follows its log/);
    await view.onModuleDestroy();
  });
});

describe("the write side's view and erasures", () => {
  /** A vault that records what the view told it. */
  const vaultTold = () => {
    const told: string[] = [];
    const vault = new InMemoryKeyVault();
    vault.erased = (keyId: string) => void told.push(keyId);
    return { vault, told };
  };
  const erased = (memberId: string) => recorded({ type: 'MemberPersonalDataErased', data: { memberId, erasedOn: '2025-01-01' } });

  it('tells its vault of each erasure it applies (the key a tombstone on this instance, the row shredded if still live)', () => {
    const { vault, told } = vaultTold();
    const view = new PersonnelDirectory({ headPosition: async () => 0 } as unknown as EventStore, undefined, SECRET, vault);
    for (const e of [admitted('m1', 'b1'), admitted('m2', 'b1')]) view.apply(recorded(e));
    view.apply(erased('m2'));
    view.apply(erased('mx')); // a member the view never saw admitted: their key is shredded all the same
    expect(told).toEqual(['m2', 'mx']);
  });

  it('a start from a snapshot (its own, or the embedded start\'s) tells its vault again of every erasure the snapshot holds: a row an erasure left live before a crash is shredded', async () => {
    const saved: Array<[string, Snapshot]> = [];
    const snapshots: SnapshotStore = { load: async (n) => saved.filter(([k]) => k === n).pop()?.[1], save: async (n, s) => void saved.push([n, s]) };
    const log = [recorded(admitted('m1', 'b1')), recorded(admitted('m2', 'b1')), erased('m1'), recorded(admitted('m3', 'b1'))];
    const first = new PersonnelDirectory(logOf(log, []), snapshots, SECRET, vaultTold().vault);
    await first.onModuleInit();
    await first.onModuleDestroy();

    const subscribedAfter: number[] = [];
    const own = vaultTold();
    const resumed = new PersonnelDirectory(logOf(log, subscribedAfter), snapshots, SECRET, own.vault);
    await resumed.onModuleInit();
    const embedded = vaultTold();
    const restored = new PersonnelDirectory(logOf(log, subscribedAfter), undefined, SECRET, embedded.vault);
    restored.restoreState(v8.deserialize(v8.serialize(first.snapshotState())));
    await restored.onModuleInit();

    expect(subscribedAfter).toEqual([log[log.length - 1].position, log[log.length - 1].position]); // nothing of the log applied again
    expect([own.told, embedded.told]).toEqual([['m1'], ['m1']]);
    await resumed.onModuleDestroy();
    await restored.onModuleDestroy();
  });
});
