import { EventStore, RecordedEvent } from '@register/event-sourcing';
import { memberStream, PersonnelEvent } from '@register/contracts';
import { AsOf } from '@register/service-kit';
import { PersonnelDirectory } from '../application/personnel-directory';
import { admitted, huong } from '../domain/fixtures';
import { MemberListAsOf } from './member-list-as-of';

/** Personnel's log, recording what each read asks of it. */
function logOf(entries: Array<[PersonnelEvent, string]>, withReadStreams = true) {
  const revisions = new Map<string, number>();
  const events = entries.map(([e, effectiveDate], i): RecordedEvent => {
    const streamId = memberStream((e.data as { memberId: string }).memberId);
    const revision = revisions.get(streamId) ?? 0;
    revisions.set(streamId, revision + 1);
    return { ...e, eventId: `e${i + 1}`, schemaVersion: 1, streamId, revision, position: i + 1, recordedAt: '2025-01-01T00:00:00Z', metadata: { actor: 'a', reason: 'r', effectiveDate, correlationId: 'c' } } as RecordedEvent;
  });
  const asked = { readAll: 0, readStream: [] as string[], readStreams: [] as string[] };
  const store: EventStore = {
    headPosition: async () => events.length,
    readAll: async (after: number, limit: number) => (asked.readAll++, events.filter((e) => e.position > after).slice(0, limit)),
    readStream: async (id: string) => (asked.readStream.push(id), events.filter((e) => e.streamId === id)),
    ...(withReadStreams ? { readStreams: async (ids: readonly string[]) => (asked.readStreams.push(...ids), events.filter((e) => ids.includes(e.streamId))) } : {}),
  } as unknown as EventStore;
  const directory = new PersonnelDirectory(store);
  for (const e of events) directory.apply(e);
  return { list: new MemberListAsOf(store, directory), asked };
}

const named = (fullName: string) => ({ ...huong, fullName });
const transferred = (memberId: string, fromBranchId: string, toBranchId: string, on: string): PersonnelEvent => ({
  type: 'MemberTransferred',
  data: { memberId, fromBranchId, toBranchId, transferredOn: on, duesSettledUpTo: on, cause: 'transfer' },
});
const then: AsOf = { kind: 'date', date: '2021-06-30' };

// Given a commune's branch b1 and another commune's b9: m4 leaves b1 after the date, m3 joins it after the date
const log = (withReadStreams = true) =>
  logOf(
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
  );

describe('the member list as of a date, of a unit or a branch', () => {
  it("reads only the streams of the members ever placed in the unit's branches, in one read, and lists those there then", async () => {
    const { list, asked } = log();
    const docs = await list.matching({ branchIds: ['b1'] }, then);
    expect(docs.map((d) => [d._id, d.branchId, d.fullName])).toEqual([['m1', 'b1', 'Anh'], ['m4', 'b1', 'Dung']]);
    expect(asked).toEqual({ readAll: 0, readStream: [], readStreams: ['member-m1', 'member-m4', 'member-m3'] });
  });

  it("with a branch filter, reads that branch's candidates; today, m3 is there and m4 is not", async () => {
    const { list, asked } = log();
    const today = await list.matching({ branchId: 'b1' }, { kind: 'date', date: '2023-01-01' });
    expect(today.map((d) => d._id)).toEqual(['m1', 'm3']);
    expect(asked.readAll).toBe(0);
  });

  it('reads stream by stream from a store without readStreams, with the same answer', async () => {
    const { list, asked } = log(false);
    expect((await list.matching({ branchIds: ['b1'] }, then)).map((d) => d._id)).toEqual(['m1', 'm4']);
    expect(asked).toEqual({ readAll: 0, readStream: ['member-m1', 'member-m4', 'member-m3'], readStreams: [] });
  });

  it('reads the whole log for the whole register', async () => {
    const { list, asked } = log();
    expect((await list.matching({}, then)).map((d) => d._id)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(asked.readAll).toBeGreaterThan(0);
  });
});
