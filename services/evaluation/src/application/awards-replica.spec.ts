import * as v8 from 'node:v8';
import { awardRefOf } from '@register/contracts';
import { RecordedEvent } from '@register/event-sourcing';
import { AwardsReplica } from './awards-replica';

const awarded = (competitionId: string, awards: Array<[string, string]>) =>
  ({ type: 'CompetitionAwarded', data: { competitionId, organiserUnitId: 'u-1', heldOn: '2025-03-26', awards: awards.map(([memberId, award]) => ({ memberId, award })) } }) as unknown as RecordedEvent;

/** Every answer the replica gives, for these references. */
const answers = (replica: AwardsReplica) => ['k-1', 'k-2'].flatMap((k) => ['m-1', 'm-2', 'm-x'].map((m) => replica.award(awardRefOf(k, m))));

describe("evaluation's awards replica kept across a restart (the embedded start's snapshot)", () => {
  it('cites the awards the original cites, and stays so as the same events follow', () => {
    // Given a replica fed a competition's awards (one member twice)
    const original = new AwardsReplica();
    original.applyTraining(awarded('k-1', [['m-1', 'Giải nhất'], ['m-2', 'Giải ba'], ['m-2', 'Giải khuyến khích']]));

    // When its state goes through v8 and into a fresh replica
    const restored = new AwardsReplica();
    restored.restoreState(v8.deserialize(v8.serialize(original.snapshotState())));

    // Then it cites the same awards, and both stay equal on the same later events
    expect(answers(restored)).toEqual(answers(original));
    for (const replica of [original, restored]) replica.applyTraining(awarded('k-2', [['m-1', 'Giải nhì']]));
    expect(answers(restored)).toEqual(answers(original));
    expect(answers(restored).filter((a) => a !== null)).toHaveLength(3);
  });
});
