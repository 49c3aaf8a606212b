import * as v8 from 'node:v8';
import { DomainEvent } from '@register/event-sourcing';
import { applyEvaluationEvent } from './evaluation-events';
import { applyPersonnelEvent } from './personnel-events';
import { PeopleReplica } from './people-replica';

const event = (type: string, data: Record<string, unknown>) => ({ type, data });
const rated = (branchId: string, year: number, grade: string) =>
  event('RatingDecided', { ratingId: `branch.${year}.${branchId}`, subjectType: 'branch', subjectId: branchId, year, period: 'calendar', periodKey: String(year), scale: 'branch-classic', grade, placement: { branchId, unitIds: [] } });

/** Personnel's events go to the personnel fold, evaluation's to the ratings fold, as the two consumers do. */
const feed = (people: PeopleReplica, events: DomainEvent[]) => {
  for (const e of events) (e.type.startsWith('Rating') ? applyEvaluationEvent : applyPersonnelEvent)(people, e);
};

/** Every answer the replica gives, for these branches. */
const answers = (people: PeopleReplica) =>
  ['b1', 'b2', 'b3', 'bx'].map((b) => ({ members: people.membersOf(b), count: people.memberCount(b), officers: people.officersOf(b), secretary: people.hasSecretary(b), ratings: people.ratingsOf(b) }));

describe("organisation's people replica kept across a restart (the embedded start's snapshot)", () => {
  it('answers as the replica that read both topics, and stays so as the same events follow', () => {
    // Given a replica fed admissions, a transfer, a departure from the union, posts and ratings
    const original = new PeopleReplica();
    feed(original, [
      ...[['m1', 'b1'], ['m2', 'b1'], ['m3', 'b2'], ['m4', 'b2']].map(([memberId, branchId]) => event('MemberAdmitted', { memberId, branchId, personal: null })),
      event('MemberTransferred', { memberId: 'm2', fromBranchId: 'b1', toBranchId: 'b2', cause: 'transfer' }),
      event('MemberStatusChanged', { memberId: 'm4', branchId: 'b2', status: 'left', previousStatus: 'active' }),
      event('OfficerAppointed', { branchId: 'b1', memberId: 'm1', role: 'secretary' }),
      event('OfficerAppointed', { branchId: 'b2', memberId: 'm3', role: 'deputy-secretary' }),
      rated('b1', 2023, 'good'),
      rated('b1', 2024, 'average'),
    ]);

    // When its state goes through v8 and into a fresh replica
    const restored = new PeopleReplica();
    restored.restoreState(v8.deserialize(v8.serialize(original.snapshotState())));

    // Then it answers as the original does
    expect(answers(restored)).toEqual(answers(original));

    // And both stay equal as the same events follow: members move on (each from the one branch they are in), posts end, a year's rating is changed
    const later = [
      event('MemberTransferred', { memberId: 'm1', fromBranchId: 'b1', toBranchId: 'b3', cause: 'transfer' }),
      event('MemberStatusChanged', { memberId: 'm3', branchId: 'b2', status: 'unassigned', previousStatus: 'active' }),
      event('OfficerDeparted', { branchId: 'b1', memberId: 'm1', role: 'secretary', cause: 'resigned' }),
      event('OfficerAppointed', { branchId: 'b2', memberId: 'm2', role: 'secretary' }),
      rated('b1', 2023, 'strong'),
      rated('b2', 2024, 'good'),
    ];
    feed(original, later);
    feed(restored, later);
    expect(answers(restored)).toEqual(answers(original));
    expect([restored.membersOf('b1'), restored.membersOf('b2'), restored.membersOf('b3')]).toEqual([[], ['m2'], ['m1']]);
  });
});
