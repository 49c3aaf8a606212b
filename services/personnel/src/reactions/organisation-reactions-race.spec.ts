import { CommandHandler, CommandResult } from '@register/event-sourcing';
import { BranchGate } from '../application/branch-gate';
import { BranchReplica } from '../application/branch-replica';
import { PersonnelDirectory } from '../application/personnel-directory';
import { OrganisationFact } from './organisation-reactions';
import { OrganisationReactions } from './organisation-reactions.service';

const fact = (eventId: string, type: string, data: unknown): OrganisationFact => ({ eventId, type, data, metadata: { effectiveDate: '2025-07-01', reason: 'sáp nhập thôn' } });
const established = (branchId: string) => fact(`est-${branchId}`, 'BranchEstablished', { branchId, parentUnitId: 'x1', name: `Chi đoàn ${branchId}`, kind: 'residential' });

/**
 * The race a faults run found: an admission that found the branch open just before the merger
 * arrived, appended just after the reaction had listed the branch's members, stayed in the absorbed
 * branch for good. The admission's turn (BranchGate) now ends before the reaction lists anyone.
 */
describe('a merger arriving while an admission into an absorbed branch is under way', () => {
  it('given an admission that found b2 open, when the merger of b2 into b1 is handled before it is appended, then the newcomer is moved too', async () => {
    const replica = new BranchReplica();
    for (const b of ['b1', 'b2']) replica.apply(established(b));
    const members: Record<string, string[]> = { b1: ['m1'], b2: ['m2'] };
    const directory = { caughtUp: async () => undefined, membersOf: (b: string) => [...(members[b] ?? [])], formerMembersOf: () => [], leftUnionFrom: () => [], residentsOf: () => [], officersOf: () => [] } as unknown as PersonnelDirectory;
    const commands: Array<{ type: string; memberId: string }> = [];
    const handler = { handle: async (_decider: unknown, streamId: string, command: { type: string; memberId: string }) => (commands.push(command), { streamId, revision: 0, position: 1, events: [], duplicate: false } as CommandResult) } as unknown as CommandHandler;
    const gate = new BranchGate();
    const reactions = new OrganisationReactions(replica, directory, handler, gate);

    let append!: () => void;
    const appended = new Promise<void>((resolve) => (append = resolve));
    const admission = gate.through(['b2'], async () => {
      expect(replica.statusOf('b2')).toBe('active'); // checked open, as the admission's decider sees it
      await appended; // the append takes a moment
      members.b2.push('m9');
    });
    const merged = reactions.handle(fact('merge-1', 'BranchesMerged', { mergerId: 'g1', sourceBranchIds: ['b2'], intoBranchId: 'b1', intoNewBranch: false }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(replica.statusOf('b2')).toBe('closed'); // a newcomer from now on is refused
    append();
    await Promise.all([admission, merged]);

    expect(commands.filter((c) => c.type === 'TransferMember').map((c) => c.memberId).sort()).toEqual(['m2', 'm9']);
  });

  it('given turns on several branches, then each runs after those queued before it on any of its branches, and a failed turn does not stop the next', async () => {
    const gate = new BranchGate();
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = gate.through(['b1'], async () => {
      await held;
      order.push('b1');
      throw new Error('refused');
    });
    const both = gate.through(['b1', 'b2'], async () => void order.push('b1+b2'));
    const other = gate.through(['b3'], async () => void order.push('b3'));
    await other;
    release();
    await expect(first).rejects.toThrow('refused');
    await both;
    await gate.drain(['b1', 'b2']);
    expect(order).toEqual(['b3', 'b1', 'b1+b2']);
  });
});
