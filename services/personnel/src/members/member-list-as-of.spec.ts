import { EventStore, RecordedEvent } from '@register/event-sourcing';
import { memberStream, PersonalData, PersonnelEvent } from '@register/contracts';
import { AsOf } from '@register/service-kit';
import { PersonnelDirectory } from '../application/personnel-directory';
import { admitted, huong } from '../domain/fixtures';
import { InMemoryKeyVault, sealPersonal } from '@register/personal-data';
import { MemberListAsOf } from './member-list-as-of';
import { MemberStreams } from './member-streams';

const recorded = (e: PersonnelEvent, effectiveDate: string, position: number, revision: number): RecordedEvent =>
  ({ ...e, eventId: `e${position}`, schemaVersion: 1, streamId: memberStream((e.data as { memberId: string }).memberId), revision, position, recordedAt: '2025-01-01T00:00:00Z', metadata: { actor: 'a', reason: 'r', effectiveDate, correlationId: 'c' } }) as RecordedEvent;

/** Personnel's log, recording what each read asks of it; personal data sealed at rest when given a vault (the directory reads it opened, as the sealing store gives it). */
function logOf(entries: Array<[PersonnelEvent, string]>, withReadStreams = true, vault?: InMemoryKeyVault) {
  const revisions = new Map<string, number>();
  const events: RecordedEvent[] = [];
  const asked = { readAll: 0, readStream: [] as string[], readStreams: [] as string[], opened: [] as string[] };
  const store: EventStore = {
    headPosition: async () => events.length,
    readAll: async (after: number, limit: number) => (asked.readAll++, events.filter((e) => e.position > after).slice(0, limit)),
    readStream: async (id: string) => (asked.readStream.push(id), events.filter((e) => e.streamId === id)),
    ...(withReadStreams ? { readStreams: async (ids: readonly string[]) => (asked.readStreams.push(...ids), events.filter((e) => ids.includes(e.streamId))) } : {}),
  } as unknown as EventStore;
  const directory = new PersonnelDirectory(store);
  // Each key looked up is a member's personal data about to be opened.
  const keys = vault && { ...vault, find: async (id: string) => (asked.opened.push(id), vault.find(id)), keyFor: (id: string) => vault.keyFor(id), isShredded: (id: string) => vault.isShredded(id), linkedKeys: (id: string) => vault.linkedKeys(id), shred: (id: string) => vault.shred(id), erased: (id: string) => vault.erased(id) };
  /** Appends one event to the log, as the command path would, and lets the directory read it. */
  const append = async (e: PersonnelEvent, effectiveDate: string) => {
    const opened = recorded(e, effectiveDate, events.length + 1, revisions.get(memberStream((e.data as { memberId: string }).memberId)) ?? 0);
    revisions.set(opened.streamId, opened.revision + 1);
    const personal = (e.data as { personal?: PersonalData }).personal;
    const memberId = (e.data as { memberId: string }).memberId;
    events.push(vault && personal ? { ...opened, data: { ...opened.data as object, personal: sealPersonal(memberId, personal, (await vault.keyFor(memberId))!) } } : opened);
    directory.apply(opened);
  };
  const streams = new MemberStreams(store, keys ?? null, directory);
  return { list: new MemberListAsOf(store, directory, streams), asked, append, ready: (async () => { for (const [e, on] of entries) await append(e, on); })() };
}

const named = (fullName: string) => ({ ...huong, fullName });
const transferred = (memberId: string, fromBranchId: string, toBranchId: string, on: string): PersonnelEvent => ({
  type: 'MemberTransferred',
  data: { memberId, fromBranchId, toBranchId, transferredOn: on, duesSettledUpTo: on, cause: 'transfer' },
});
const then: AsOf = { kind: 'date', date: '2021-06-30' };

// Given a commune's branch b1 and another commune's b9: m4 leaves b1 after the date, m3 joins it after the date
const log = async (withReadStreams = true, vault?: InMemoryKeyVault) => {
  const built = logOf(
    [
      [admitted('m1', 'b1', named('Anh')), '2020-01-01'],
      [admitted('m2', 'b9', named('Bao')), '2020-01-01'],
      [admitted('m3', 'b9', named('Chi')), '2020-01-01'],
      [admitted('m4', 'b1', named('Dung')), '2020-01-01'],
      [admitted('m5', 'b9', named('Em')), '2020-01-01'],
      [transferred('m3', 'b9', 'b1', '2022-01-01'), '2022-01-01'],
      [transferred('m4', 'b1', 'b9', '2022-01-01'), '2022-01-01'],
    ],
    withReadStreams,
    vault,
  );
  await built.ready;
  return built;
};

describe('the member list as of a date, of a unit or a branch', () => {
  it("reads only the streams of the members ever placed in the unit's branches, in one read, and lists those there then", async () => {
    const { list, asked } = await log();
    const docs = await list.matching({ branchIds: ['b1'] }, then);
    expect(docs.map((d) => [d._id, d.branchId, d.fullName])).toEqual([['m1', 'b1', 'Anh'], ['m4', 'b1', 'Dung']]);
    expect(asked).toEqual({ readAll: 0, readStream: [], readStreams: ['member-m1', 'member-m4', 'member-m3'], opened: [] });
  });

  it("with a branch filter, reads that branch's candidates; today, m3 is there and m4 is not", async () => {
    const { list, asked } = await log();
    const today = await list.matching({ branchId: 'b1' }, { kind: 'date', date: '2023-01-01' });
    expect(today.map((d) => d._id)).toEqual(['m1', 'm3']);
    expect(asked.readAll).toBe(0);
  });

  it('reads stream by stream from a store without readStreams, with the same answer', async () => {
    const { list, asked } = await log(false);
    expect((await list.matching({ branchIds: ['b1'] }, then)).map((d) => d._id)).toEqual(['m1', 'm4']);
    expect(asked).toEqual({ readAll: 0, readStream: ['member-m1', 'member-m4', 'member-m3'], readStreams: [], opened: [] });
  });

  it('reads the whole log for the whole register', async () => {
    const { list, asked } = await log();
    expect((await list.matching({}, then)).map((d) => d._id)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(asked.readAll).toBeGreaterThan(0);
  });

  it("a second read of the unit reads no stream again; a member's new event has that member's stream alone read again", async () => {
    const { list, asked, append } = await log();
    await list.matching({ branchIds: ['b1'] }, then);
    asked.readStreams = [];
    expect((await list.matching({ branchIds: ['b1'] }, then)).map((d) => d._id)).toEqual(['m1', 'm4']);
    expect(asked.readStreams).toEqual([]);
    // m1 moved out of b1 dated back before the date: the next read sees it, and reads m1 alone again.
    await append(transferred('m1', 'b1', 'b9', '2021-01-01'), '2021-01-01');
    expect((await list.matching({ branchIds: ['b1'] }, then)).map((d) => d._id)).toEqual(['m4']);
    expect(asked.readStreams).toEqual(['member-m1']);
  });

  it('folds on the sealed events and opens one personal data per member listed: the last correction recorded, which fixes every day', async () => {
    const vault = new InMemoryKeyVault();
    const { list, asked, append } = await log(true, vault);
    await append({ type: 'MemberPersonalDataCorrected', data: { memberId: 'm1', personal: named('Anh Thư') } } as PersonnelEvent, '2021-01-01');
    await append({ type: 'MemberPersonalDataCorrected', data: { memberId: 'm1', personal: named('Ánh') } } as PersonnelEvent, '2023-01-01');
    const docs = await list.matching({ branchIds: ['b1'] }, then);
    expect(docs.map((d) => [d._id, d.fullName])).toEqual([['m1', 'Ánh'], ['m4', 'Dung']]);
    // m3 was in b9 then: read (a candidate), never opened; m1's three sealed names: one opened.
    expect(asked.opened.sort()).toEqual(['m1', 'm4']);
  });

  it('shows a member who has since left the place as the register knew them by the day read, without corrections recorded after it (found by a black-box probe)', async () => {
    const vault = new InMemoryKeyVault();
    const { list, append } = await log(true, vault);
    // Recorded in 2025, after the day read (2021-06-30): m1 is still in b1, m4 moved to b9 in 2022.
    await append({ type: 'MemberPersonalDataCorrected', data: { memberId: 'm1', personal: named('Ánh') } } as PersonnelEvent, '2025-01-01');
    await append({ type: 'MemberPersonalDataCorrected', data: { memberId: 'm4', personal: named('Dũng') } } as PersonnelEvent, '2025-01-01');
    const names = async (request: Parameters<MemberListAsOf['matching']>[0], asOf: AsOf = then) => (await list.matching(request, asOf)).map((d) => [d._id, d.fullName]);
    expect(await names({ branchIds: ['b1'], branchIdsToday: ['b1'] })).toEqual([['m1', 'Ánh'], ['m4', 'Dung']]);
    expect(await names({ branchId: 'b1' })).toEqual([['m1', 'Ánh'], ['m4', 'Dung']]);
    // A place that still holds both (the commune of b1 and b9), or one read as of after the correction: corrected.
    expect(await names({ branchIds: ['b1'], branchIdsToday: ['b1', 'b9'] })).toEqual([['m1', 'Ánh'], ['m4', 'Dũng']]);
    expect(await names({ branchIds: ['b1'], branchIdsToday: ['b1'] }, { kind: 'instant', instant: new Date('2025-06-01T00:00:00Z') })).toEqual([['m1', 'Ánh'], ['m3', 'Chi']]);
  });

  it("keeps nothing opened: a member whose key is shredded after a read is listed without a name, even as of a day before the erasure", async () => {
    const vault = new InMemoryKeyVault();
    const { list, append } = await log(true, vault);
    expect((await list.matching({ branchIds: ['b1'] }, then)).map((d) => d.fullName)).toEqual(['Anh', 'Dung']);
    await vault.shred('m1');
    await append({ type: 'MemberPersonalDataErased', data: { memberId: 'm1', erasedOn: '2024-01-01' } } as PersonnelEvent, '2024-01-01');
    const docs = await list.matching({ branchIds: ['b1'] }, then);
    expect(docs.map((d) => [d._id, d.fullName, d.erased])).toEqual([['m1', null, false], ['m4', 'Dung', false]]);
  });
});
