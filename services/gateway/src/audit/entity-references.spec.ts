import { STRUCTURE_STREAM } from '@register/contracts';
import { branchOfficersStream } from '@register/contracts';
import { AuditedEntity, AuditedEvent, concerns, historyOf, officerStreamsOf, streamsOf } from './entity-references';

const org = (type: string, data: unknown): AuditedEvent => ({ service: 'organisation', streamId: STRUCTURE_STREAM, type, data });
const unit = (id: string): AuditedEntity => ({ type: 'unit', id });
const branch = (id: string): AuditedEntity => ({ type: 'branch', id });
const member = (id: string): AuditedEntity => ({ type: 'member', id });

describe('audit entity history: which events concern an entity', () => {
  it('a branch that borrows a unit\'s id is not in the unit\'s history, nor a unit that borrows a branch\'s id in the branch\'s', () => {
    const impostorBranch = org('BranchEstablished', { branchId: 'xa-9', parentUnitId: 'xa-1', name: 'Chi đoàn "xa-9"', area: null, predecessorIds: [] });
    expect([concerns(unit('xa-9'), impostorBranch), concerns(branch('xa-9'), impostorBranch), concerns(unit('xa-1'), impostorBranch)]).toEqual([false, true, true]);
    const impostorUnit = org('UnitEstablished', { unitId: 'b-9', kind: 'grassroots', name: 'b-9', parentId: 'qp' });
    expect([concerns(branch('b-9'), impostorUnit), concerns(unit('b-9'), impostorUnit), concerns(unit('qp'), impostorUnit)]).toEqual([false, true, true]);
  });

  it('names are text, not references: an id inside a name or an id\'s prefix matches nothing', () => {
    expect(concerns(unit('tw'), org('UnitRenamed', { unitId: 'na', name: 'tw', previousName: '"tw"' }))).toBe(false);
    expect(concerns(branch('b-1'), org('BranchRenamed', { branchId: 'b-10', name: 'x', previousName: 'y', area: null }))).toBe(false);
  });

  it('follows every typed reference: moves, mergers, splits, predecessors', () => {
    const moved = org('UnitMoved', { unitId: 'xa-1', fromParentId: 'qp', toParentId: 'th' });
    expect(['xa-1', 'qp', 'th', 'na'].map((id) => concerns(unit(id), moved))).toEqual([true, true, true, false]);
    const branchMoved = org('BranchMoved', { branchId: 'b-1', fromUnitId: 'xa-1', toUnitId: 'xa-2' });
    expect([concerns(branch('b-1'), branchMoved), concerns(unit('xa-2'), branchMoved), concerns(unit('b-1'), branchMoved), concerns(branch('xa-2'), branchMoved)]).toEqual([true, true, false, false]);
    const merged = org('BranchesMerged', { mergerId: 'm', sourceBranchIds: ['b-2', 'b-3'], intoBranchId: 'b-1', intoNewBranch: false });
    expect(['b-1', 'b-2', 'b-3', 'm'].map((id) => concerns(branch(id), merged))).toEqual([true, true, true, false]);
    expect(concerns(unit('b-2'), merged)).toBe(false);
    const split = org('BranchSplit', { splitId: 's', sourceBranchId: 'b-1', parts: [{ branchId: 'b-4', memberIds: ['b-5'] }] });
    expect(['b-1', 'b-4', 'b-5'].map((id) => concerns(branch(id), split))).toEqual([true, true, false]);
    const successor = org('BranchEstablished', { branchId: 'b-6', parentUnitId: 'xa-1', name: 'n', area: null, predecessorIds: ['b-2'] });
    expect(concerns(branch('b-2'), successor)).toBe(true);
    const unitsMerged = org('UnitsMerged', { mergerId: 'um', sourceUnitIds: ['xa-1', 'xa-2'], intoUnitId: 'xa-12', intoNewUnit: true });
    expect(['xa-1', 'xa-2', 'xa-12', 'um'].map((id) => concerns(unit(id), unitsMerged))).toEqual([true, true, true, false]);
    expect(concerns(branch('xa-1'), unitsMerged)).toBe(false);
    expect(concerns(unit('x'), org('UnitDissolved', { unitId: 'x' }))).toBe(true);
    expect(concerns(branch('x'), org('BranchDissolved', { branchId: 'x' }))).toBe(true);
  });

  it('a branch\'s officers and a member\'s life come from their own streams in personnel\'s log, never from the text of others', () => {
    const appointed: AuditedEvent = { service: 'personnel', streamId: 'branch-officers-b-1', type: 'OfficerAppointed', data: { branchId: 'b-1', memberId: 'xa-9' } };
    // The appointment names member xa-9 in its typed memberId field: it is in their history (their post), not in unit b-1's.
    expect([concerns(branch('b-1'), appointed), concerns(member('xa-9'), appointed), concerns(unit('b-1'), appointed)]).toEqual([true, true, false]);
    const admitted: AuditedEvent = { service: 'personnel', streamId: 'member-m1', type: 'MemberAdmitted', data: { memberId: 'm1', branchId: 'b-1' } };
    expect([concerns(member('m1'), admitted), concerns(branch('b-1'), admitted)]).toEqual([true, false]);
    // A stream of that name in another service's log is not the entity's.
    expect(concerns(member('m1'), { ...admitted, service: 'organisation' })).toBe(false);
  });

  it('an event whose data lacks some typed fields is matched by those it has; unknown types match nothing', () => {
    expect(concerns(branch('b-1'), org('BranchesMerged', { intoBranchId: 'b-1' }))).toBe(true);
    expect(concerns(branch('b-2'), org('BranchSplit', { sourceBranchId: 'b-1' }))).toBe(false);
    expect(concerns(branch('b-2'), org('BranchesMerged', null))).toBe(false);
    expect(concerns(unit('b-1'), org('SomethingNew', { unitId: 'b-1' }))).toBe(false);
  });

  it('reads a unit from the structure, a branch from it and its officers\' stream, a member from theirs', () => {
    expect(streamsOf(unit('u')).map((s) => s.streamId)).toEqual([STRUCTURE_STREAM]);
    expect(streamsOf(branch('b')).map((s) => `${s.service}/${s.streamId}`)).toEqual([`organisation/${STRUCTURE_STREAM}`, 'personnel/branch-officers-b']);
    expect(streamsOf(member('m')).map((s) => `${s.service}/${s.streamId}`)).toEqual(['personnel/member-m']);
  });
});

describe('audit entity history: what training and evaluation keep', () => {
  it('reads each from its own stream of its service\'s log, named as the service names it', () => {
    expect(streamsOf({ type: 'course', id: 'c-1' })).toEqual([{ service: 'training', streamId: 'course-c-1', own: true }]);
    expect(streamsOf({ type: 'competition', id: 'k-1' })).toEqual([{ service: 'training', streamId: 'competition-k-1', own: true }]);
    expect(streamsOf({ type: 'mentor-assignment', id: 'a-1' })).toEqual([{ service: 'training', streamId: 'mentor-assignment-a-1', own: true }]);
    expect(streamsOf({ type: 'rating', id: 'branch.2020.b1' })).toEqual([{ service: 'evaluation', streamId: 'rating-branch.2020.b1', own: true }]);
    expect(streamsOf({ type: 'commendation', id: 'k-2' })).toEqual([{ service: 'evaluation', streamId: 'commendation-k-2', own: true }]);
    expect(streamsOf({ type: 'support-visit', id: 'v-1' })).toEqual([{ service: 'evaluation', streamId: 'support-visit-v-1', own: true }]);
  });

  it('an event of the entity\'s own stream concerns it; the same stream id in another log, or organisation\'s events, do not', () => {
    const course = { type: 'course', id: 'c-1' } as AuditedEntity;
    expect(concerns(course, { service: 'training', streamId: 'course-c-1', type: 'CourseScheduled', data: {} })).toBe(true);
    expect(concerns(course, { service: 'evaluation', streamId: 'course-c-1', type: 'CourseScheduled', data: {} })).toBe(false);
    expect(concerns(course, org('BranchEstablished', { branchId: 'c-1', parentUnitId: 'c-1', name: 'n', area: null, predecessorIds: [] }))).toBe(false);
  });

  it("a member's posts: the officers' streams of every branch they were placed in, their own events there only", () => {
    const own = [
      { type: 'MemberAdmitted', data: { memberId: 'm-1', branchId: 'b-1' } },
      { type: 'MemberStatusChanged', data: { memberId: 'm-1', status: 'away-work' } },
      { type: 'MemberTransferred', data: { memberId: 'm-1', fromBranchId: 'b-1', toBranchId: 'b-2' } },
    ];
    expect(officerStreamsOf(own)).toEqual([branchOfficersStream('b-1'), branchOfficersStream('b-2')]);
    const post = (memberId: string): AuditedEvent => ({ service: 'personnel', streamId: branchOfficersStream('b-1'), type: 'OfficerAppointed', data: { branchId: 'b-1', memberId, role: 'secretary' } });
    expect([concerns(member('m-1'), post('m-1')), concerns(member('m-1'), post('m-2')), concerns(member('b-1'), post('m-1'))]).toEqual([true, false, false]);
  });
});

describe("a unit's history: the closures of what sat under it when it closed (historyOf)", () => {
  const log = [
    org('UnitEstablished', { unitId: 'xa-1', kind: 'grassroots', name: 'x', parentId: 'qp' }),
    org('UnitEstablished', { unitId: 'xa-2', kind: 'grassroots', name: 'y', parentId: 'qp' }),
    org('BranchEstablished', { branchId: 'b-1', parentUnitId: 'xa-1', name: 'n', area: null, predecessorIds: [] }),
    org('BranchEstablished', { branchId: 'b-2', parentUnitId: 'xa-1', name: 'm', area: null, predecessorIds: [] }),
    org('BranchMoved', { branchId: 'b-2', fromUnitId: 'xa-1', toUnitId: 'xa-2' }),
    org('BranchDissolved', { branchId: 'b-1' }),
    org('BranchDissolved', { branchId: 'b-2' }),
    org('UnitDissolved', { unitId: 'xa-2' }),
  ];
  const historyTypes = (id: string) => {
    const filter = historyOf(unit(id));
    return log.filter(filter).map((e) => `${e.type}:${Object.values(e.data as object)[0]}`);
  };

  it("holds a branch's dissolution in the unit it sat in then, not the one it left", () => {
    expect(historyTypes('xa-1')).toEqual(['UnitEstablished:xa-1', 'BranchEstablished:b-1', 'BranchEstablished:b-2', 'BranchMoved:b-2', 'BranchDissolved:b-1']);
    expect(historyTypes('xa-2')).toEqual(['UnitEstablished:xa-2', 'BranchMoved:b-2', 'BranchDissolved:b-2', 'UnitDissolved:xa-2']);
  });

  it("holds a child unit's closure in its parent's", () => {
    expect(historyTypes('qp')).toEqual(['UnitEstablished:xa-1', 'UnitEstablished:xa-2', 'UnitDissolved:xa-2']);
  });
});
