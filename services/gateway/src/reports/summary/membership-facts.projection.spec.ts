import { memberStream, PersonnelEvent } from '@register/contracts';
import { Dated, projectLog, recordedFacts } from '@register/read-models';
import { BranchMembershipDoc, membershipFacts } from './membership-facts.projection';
import { totalOn } from './timeline';

const admitted = (memberId: string, branchId: string): Dated<PersonnelEvent> => ({ type: 'MemberAdmitted', data: { memberId, branchId, admittedOn: '2025-01-01', personal: null }, on: '2025-01-01' });
const status = (memberId: string, branchId: string, s: 'left' | 'away-work' | 'active', previous: 'active' | 'away-work', on: string): Dated<PersonnelEvent> => ({
  type: 'MemberStatusChanged',
  data: { memberId, branchId, status: s, previousStatus: previous, changedOn: on },
  on,
});
const mergedAway = (memberId: string, on: string): Dated<PersonnelEvent> => ({
  type: 'MemberTransferred',
  data: { memberId, fromBranchId: 'b1', toBranchId: 'b2', transferredOn: on, duesSettledUpTo: null, cause: 'merger' },
  on,
});
const run = async (events: Dated<PersonnelEvent>[]) => {
  const { collection } = await projectLog(membershipFacts, recordedFacts(events, (e) => memberStream((e.data as { memberId: string }).memberId)));
  const doc = async (id: string) => (await collection('branches').get(id)) as BranchMembershipDoc | undefined;
  const [b1, b2] = [await doc('b1'), await doc('b2')];
  return (field: 'members' | 'away', day: string) => [totalOn(b1?.[field], day), totalOn(b2?.[field], day)];
};

describe('report-membership: a merger recorded after a member left, or went away, later than its day', () => {
  it('counts the member who left in the successor from the merger to their leaving, and nowhere after', async () => {
    const on = await run([admitted('m1', 'b1'), status('m1', 'b1', 'left', 'active', '2025-08-01'), mergedAway('m1', '2025-06-01')]);
    expect([on('members', '2025-05-31'), on('members', '2025-07-15'), on('members', '2025-08-01')]).toEqual([
      [1, 0],
      [0, 1],
      [0, 0],
    ]);
  });

  it('counts the member away only from the day they went, in the successor', async () => {
    const on = await run([admitted('m1', 'b1'), status('m1', 'b1', 'away-work', 'active', '2025-07-01'), mergedAway('m1', '2025-06-01')]);
    expect([on('away', '2025-06-15'), on('away', '2025-07-01'), on('members', '2025-07-01')]).toEqual([
      [0, 0],
      [0, 1],
      [0, 1],
    ]);
  });

  it('moves a member whose status did not change after the day as before', async () => {
    const on = await run([admitted('m1', 'b1'), mergedAway('m1', '2025-06-01')]);
    expect([on('members', '2025-05-31'), on('members', '2025-06-01')]).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });
});

describe('report-membership: a member who went away before a merger recorded already (a black-box probe)', () => {
  it('counts them away in the source until the merger\'s day and in the successor from it, not in the successor from the first day', async () => {
    const on = await run([admitted('m1', 'b1'), mergedAway('m1', '2025-06-01'), status('m1', 'b2', 'away-work', 'active', '2025-05-01')]);
    expect([on('away', '2025-04-30'), on('away', '2025-05-15'), on('away', '2025-06-01'), on('members', '2025-05-15'), on('members', '2025-06-01')]).toEqual([
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 0],
      [0, 1],
    ]);
  });

  it('counts their coming back after the merger in the successor only', async () => {
    const on = await run([admitted('m1', 'b1'), mergedAway('m1', '2025-06-01'), status('m1', 'b2', 'away-work', 'active', '2025-05-01'), status('m1', 'b2', 'active', 'away-work', '2025-09-01')]);
    expect([on('away', '2025-05-15'), on('away', '2025-08-31'), on('away', '2025-09-01'), on('members', '2025-09-01')]).toEqual([
      [1, 0],
      [0, 1],
      [0, 0],
      [0, 1],
    ]);
  });
});
