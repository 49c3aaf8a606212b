import * as v8 from 'node:v8';
import { RecordedEvent } from '@register/event-sourcing';
import { Clock } from '@register/service-kit';
import { applyPersonnelEvent } from './personnel-events';
import { PeopleReplica } from './people-replica';

let position = 0;
/** A personnel event as the consumer gets it: the fact's own day in its data, recorded at `recordedAt`. */
const recorded = (type: string, data: Record<string, unknown>, recordedAt: string): RecordedEvent => ({
  eventId: `e${++position}`, streamId: `s${position}`, revision: 0, position, type, schemaVersion: 1, data,
  metadata: { actor: 'a', reason: 'r', effectiveDate: '1900-01-01', correlationId: 'c' }, recordedAt,
});
const date = (day: string, knownAt?: string) => ({ kind: 'date' as const, date: day, ...(knownAt ? { knownAt: new Date(knownAt) } : {}) });
const on = (people: PeopleReplica, day: string, knownAt?: string) => ({
  b1: { members: people.on(date(day, knownAt)).memberCount('b1'), secretary: people.on(date(day, knownAt)).hasSecretary('b1') },
  b2: { members: people.on(date(day, knownAt)).memberCount('b2'), secretary: people.on(date(day, knownAt)).hasSecretary('b2') },
});

/** A branch's people through five years: admitted, a secretary appointed and gone, members moved and gone, one fact recorded late. */
function history(clock = new Clock()): PeopleReplica {
  const people = new PeopleReplica(clock);
  for (const e of [
    recorded('MemberAdmitted', { memberId: 'm1', branchId: 'b1', admittedOn: '2021-03-01', personal: null }, '2021-03-02T08:00:00Z'),
    recorded('MemberAdmitted', { memberId: 'm2', branchId: 'b1', admittedOn: '2021-03-01', personal: null }, '2021-03-02T08:00:00Z'),
    recorded('OfficerAppointed', { branchId: 'b1', memberId: 'm1', role: 'secretary', startsOn: '2022-01-01' }, '2021-12-20T08:00:00Z'),
    recorded('MemberTransferred', { memberId: 'm2', fromBranchId: 'b1', toBranchId: 'b2', transferredOn: '2023-06-01', cause: 'transfer' }, '2023-06-01T08:00:00Z'),
    recorded('OfficerDeparted', { branchId: 'b1', memberId: 'm1', role: 'secretary', endsOn: '2024-01-01', cause: 'resigned' }, '2024-01-02T08:00:00Z'),
    // m1 left the union on 1 March 2025, which the register learned only on 1 September 2025.
    recorded('MemberStatusChanged', { memberId: 'm1', branchId: 'b1', status: 'left', previousStatus: 'active', changedOn: '2025-03-01' }, '2025-09-01T08:00:00Z'),
  ]) applyPersonnelEvent(people, e);
  return people;
}

describe("organisation's people, day by day (hasMembers and hasSecretary as of a past day)", () => {
  it('answers each day with the people of that day, whatever today holds', () => {
    const people = history();
    expect(on(people, '2021-01-01')).toEqual({ b1: { members: 0, secretary: false }, b2: { members: 0, secretary: false } });
    expect(on(people, '2022-01-01')).toEqual({ b1: { members: 2, secretary: true }, b2: { members: 0, secretary: false } });
    expect(on(people, '2023-06-01')).toEqual({ b1: { members: 1, secretary: true }, b2: { members: 1, secretary: false } });
    expect(on(people, '2024-01-01')).toEqual({ b1: { members: 1, secretary: false }, b2: { members: 1, secretary: false } });
    expect(on(people, '2025-03-01')).toEqual({ b1: { members: 0, secretary: false }, b2: { members: 1, secretary: false } });
    // Today's answers are the replica's own, unchanged.
    expect([people.memberCount('b1'), people.memberCount('b2'), people.hasSecretary('b1')]).toEqual([0, 1, false]);
  });

  it('answers as the register knew it at knownAt: a fact recorded late is not yet known', () => {
    const people = history();
    expect(on(people, '2025-07-01', '2025-08-01T00:00:00Z').b1.members).toBe(1);
    expect(on(people, '2025-07-01', '2025-10-01T00:00:00Z').b1.members).toBe(0);
    // A departure known from 2 January 2024: as known on 1 January 2024, the secretary is still in post that day.
    expect(on(people, '2024-01-01', '2024-01-01T12:00:00Z').b1.secretary).toBe(true);
    // The appointment itself was recorded on 20 December 2021.
    expect(on(people, '2022-06-01', '2021-12-01T00:00:00Z').b1.secretary).toBe(false);
  });

  it('an instant reads everything recorded by then, whatever its date, as every read of an instant does', () => {
    const people = history();
    const instant = (at: string) => people.on({ kind: 'instant', instant: new Date(at) });
    expect(instant('2025-08-01T00:00:00Z').memberCount('b1')).toBe(1);
    expect(instant('2025-09-02T00:00:00Z').memberCount('b1')).toBe(0);
    // Recorded on 20 December 2021, the post starting on 1 January 2022 counts at once; and its end, recorded on 2 January 2024.
    expect([instant('2021-12-21T00:00:00Z').hasSecretary('b1'), instant('2024-01-03T00:00:00Z').hasSecretary('b1')]).toEqual([true, false]);
  });

  it("today's answer (no asOf) is the answer as of today: a departure, leaving or transfer dated later is not applied yet", () => {
    const clock = new Clock();
    clock.setTo('2023-12-31');
    const people = history(clock);
    const today = people.on(undefined);
    // Recorded by now (the replica holds everything), but dated later: m2's move (2023-06-01) is in force, m1's departure (2024-01-01) is not.
    expect([today.memberCount('b1'), today.memberCount('b2'), today.hasSecretary('b1')]).toEqual([1, 1, true]);
    clock.setTo('2024-01-01');
    expect(people.on(undefined).hasSecretary('b1')).toBe(false);
  });

  it("answers the directory's hasMembers as the count does, day by day and as known then", () => {
    const people = history();
    for (const day of ['2021-01-01', '2021-03-01', '2023-05-31', '2023-06-01', '2025-02-28', '2025-03-01']) {
      for (const knownAt of [undefined, '2025-08-01T00:00:00Z']) {
        const view = people.on(date(day, knownAt));
        for (const b of ['b1', 'b2', 'bx']) expect(view.hasMembers(b)).toBe(view.memberCount(b) > 0);
      }
    }
  });

  it('forgets a merger\'s move taken back: the member is where their own transfers put them, as known after it, and where the merger did as known before', () => {
    const people = new PeopleReplica(new Clock());
    for (const e of [
      recorded('MemberAdmitted', { memberId: 'm3', branchId: 'b1', admittedOn: '2024-02-01', personal: null }, '2024-02-01T08:00:00Z'),
      recorded('MemberTransferred', { memberId: 'm3', fromBranchId: 'b1', toBranchId: 'sx', transferredOn: '2025-06-01', cause: 'merger' }, '2025-06-02T08:00:00Z'),
      // Recorded later, dated before the merger: a transfer to b2, the merger's move taken back, then a second transfer to b3.
      recorded('MemberTransferred', { memberId: 'm3', fromBranchId: 'b1', toBranchId: 'b2', transferredOn: '2025-04-10', cause: 'transfer' }, '2025-07-01T08:00:00Z'),
      recorded('MemberMoveTakenBack', { memberId: 'm3', fromBranchId: 'sx', toBranchId: 'b2', movedOn: '2025-06-01', leftOn: '2025-04-10', cause: 'merger' }, '2025-07-01T08:00:00Z'),
      recorded('MemberTransferred', { memberId: 'm3', fromBranchId: 'b2', toBranchId: 'b3', transferredOn: '2025-04-20', cause: 'transfer' }, '2025-07-02T08:00:00Z'),
    ]) applyPersonnelEvent(people, e);
    const count = (day: string, knownAt?: string) => ['b1', 'b2', 'b3', 'sx'].map((b) => people.on(date(day, knownAt)).memberCount(b));
    expect([count('2025-04-15'), count('2025-05-01'), count('2025-08-01')]).toEqual([[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 1, 0]]);
    expect(count('2025-08-01', '2025-06-15T00:00:00Z')).toEqual([0, 0, 0, 1]);
    expect([people.history.leftSince('sx', '2025-01-01'), people.history.arrivingAfter('b3', '2025-04-01')]).toEqual([[], ['m3']]);
  });

  it('is kept by the snapshot, and answers after a restore as before', () => {
    const people = history();
    const restored = new PeopleReplica();
    restored.restoreState(v8.deserialize(v8.serialize(people.snapshotState())));
    for (const [day, knownAt] of [['2022-01-01'], ['2023-06-01'], ['2024-01-01', '2024-01-01T12:00:00Z'], ['2025-07-01', '2025-08-01T00:00:00Z'], ['2025-07-01']]) expect(on(restored, day, knownAt)).toEqual(on(people, day, knownAt));
  });
});
