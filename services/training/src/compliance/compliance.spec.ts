import { TrainingFacts } from '../application/training-facts';
import { compliance } from './compliance';

let n = 0;
const at = (type: string, data: Record<string, unknown>, effectiveDate: string) => ({ eventId: `e${++n}`, type, data, metadata: { effectiveDate }, recordedAt: new Date(`${effectiveDate}T12:00:00Z`).toISOString() });
const area = { kind: 'hamlet', name: 'Bản' };

/** Given organisation's and personnel's events, when compliance is asked, then this answer. */
function given(...events: Array<ReturnType<typeof at>>) {
  const facts = new TrainingFacts();
  for (const e of [
    at('UnitEstablished', { unitId: 'na', kind: 'province', name: 'Nghệ An', parentId: null }, '2020-01-01'),
    at('UnitEstablished', { unitId: 'qp', kind: 'district', name: 'Quế Phong', parentId: 'na' }, '2020-01-01'),
    at('UnitEstablished', { unitId: 'xa', kind: 'grassroots', name: 'Tiền Phong', parentId: 'qp' }, '2020-01-01'),
    at('BranchEstablished', { branchId: 'b1', parentUnitId: 'xa', name: 'Bản 1', area, predecessorIds: [] }, '2020-01-01'),
    at('BranchEstablished', { branchId: 'b2', parentUnitId: 'xa', name: 'Bản 2', area, predecessorIds: [] }, '2020-01-01'),
    at('BranchEstablished', { branchId: 'sch', parentUnitId: 'xa', name: 'Chi đoàn trường', area: null, predecessorIds: [] }, '2020-01-01'),
    at('OfficerAppointed', { branchId: 'b1', memberId: 's1', role: 'secretary', startsOn: '2022-01-01' }, '2022-01-01'),
    at('OfficerAppointed', { branchId: 'b2', memberId: 's2', role: 'secretary', startsOn: '2022-01-01' }, '2022-01-01'),
    at('OfficerAppointed', { branchId: 'sch', memberId: 's3', role: 'secretary', startsOn: '2022-01-01' }, '2022-01-01'),
    ...events,
  ])
    facts.apply(e);
  return { when: (unitId: string, year: number, date: string, completed: string[] = [], until?: number) => compliance(facts, unitId, year, { date, until }, new Set(completed)) };
}

describe('compliance of residential-branch secretaries', () => {
  it('counts the secretaries of residential branches only, trained when they completed a course that year', () =>
    expect(given().when('qp', 2024, '2024-12-31', ['s1'])).toEqual({ branches: 2, secretaries: 2, trained: 1, rate: 0.5, untrained: [{ branchId: 'b2', memberId: 's2', since: '2024-01-01' }] }));

  it('makes a secretary appointed in November due from then on', () => {
    const answer = given(
      at('OfficerDeparted', { branchId: 'b2', memberId: 's2', role: 'secretary', endsOn: '2024-11-01', cause: 'resigned' }, '2024-11-01'),
      at('OfficerAppointed', { branchId: 'b2', memberId: 's4', role: 'secretary', startsOn: '2024-11-10' }, '2024-11-10'),
    );
    expect(answer.when('qp', 2024, '2024-12-31', ['s1', 's2']).untrained).toEqual([{ branchId: 'b2', memberId: 's4', since: '2024-11-10' }]);
    // Before the appointment, the newcomer is not yet due.
    expect(answer.when('qp', 2024, '2024-10-31', ['s1', 's2'])).toMatchObject({ secretaries: 2, trained: 2, untrained: [] });
  });

  it('leaves out a secretary whose post ended before the year', () =>
    expect(given(at('OfficerDeparted', { branchId: 'b2', memberId: 's2', role: 'secretary', endsOn: '2023-06-01', cause: 'resigned' }, '2023-06-01')).when('qp', 2024, '2024-12-31')).toMatchObject({ secretaries: 1 }));

  it('leaves out a post ended on its own first day (a merger dated before it, recorded after): never held', () =>
    expect(
      given(
        at('OfficerDeparted', { branchId: 'b2', memberId: 's2', role: 'secretary', endsOn: '2023-06-01', cause: 'resigned' }, '2023-06-01'),
        at('OfficerAppointed', { branchId: 'b2', memberId: 's4', role: 'secretary', startsOn: '2024-12-05' }, '2024-12-05'),
        at('OfficerDeparted', { branchId: 'b2', memberId: 's4', role: 'secretary', endsOn: '2024-12-05', cause: 'merger' }, '2024-12-05'),
      ).when('qp', 2024, '2024-12-31', ['s1']),
    ).toMatchObject({ secretaries: 1, trained: 1, untrained: [] }));

  it('answers for a unit as it stood then: a district abolished in 2025 still answers for 2024', () => {
    const abolished = given(
      at('UnitMoved', { unitId: 'xa', fromParentId: 'qp', toParentId: 'na' }, '2025-07-01'),
      at('UnitDissolved', { unitId: 'qp' }, '2025-07-01'),
    );
    expect(abolished.when('qp', 2024, '2024-12-31', ['s1'])).toMatchObject({ secretaries: 2, trained: 1 });
    expect(abolished.when('qp', 2025, '2025-12-31')).toMatchObject({ secretaries: 0 });
    expect(abolished.when('na', 2025, '2025-12-31')).toMatchObject({ secretaries: 2 });
  });

  it('after a merger counts the successor once, and the absorbed branch\'s secretary, who held the post that year', () => {
    const merged = given(
      at('BranchesMerged', { mergerId: 'g1', sourceBranchIds: ['b1', 'b2'], intoBranchId: 'b2', intoNewBranch: false }, '2024-09-01'),
      at('OfficerDeparted', { branchId: 'b1', memberId: 's1', role: 'secretary', endsOn: '2024-09-01', cause: 'merger' }, '2024-09-01'),
    );
    expect(merged.when('qp', 2024, '2024-12-31', ['s2'])).toEqual({ branches: 1, secretaries: 2, trained: 1, rate: 0.5, untrained: [{ branchId: 'b1', memberId: 's1', since: '2024-01-01' }] });
    expect(merged.when('qp', 2024, '2024-08-31', ['s1', 's2'])).toMatchObject({ branches: 2, secretaries: 2, trained: 2 });
    // The year after, the absorbed branch and its secretary are gone.
    expect(merged.when('qp', 2025, '2025-12-31')).toMatchObject({ branches: 1, secretaries: 1, trained: 0 });
  });

  it('after a merger into a new branch counts the new successor, and the absorbed branches\' secretaries of the year', () => {
    const merged = given(
      at('BranchEstablished', { branchId: 'bn', parentUnitId: 'xa', name: 'Bản Mới', area, predecessorIds: ['b1', 'b2'] }, '2024-09-01'),
      at('BranchesMerged', { mergerId: 'g2', sourceBranchIds: ['b1', 'b2'], intoBranchId: 'bn', intoNewBranch: true }, '2024-09-01'),
      at('OfficerDeparted', { branchId: 'b1', memberId: 's1', role: 'secretary', endsOn: '2024-09-01', cause: 'merger' }, '2024-09-01'),
      at('OfficerDeparted', { branchId: 'b2', memberId: 's2', role: 'secretary', endsOn: '2024-09-01', cause: 'merger' }, '2024-09-01'),
      at('OfficerAppointed', { branchId: 'bn', memberId: 's2', role: 'secretary', startsOn: '2024-09-15' }, '2024-09-15'),
    );
    expect(merged.when('qp', 2024, '2024-12-31', ['s1'])).toEqual({ branches: 1, secretaries: 2, trained: 1, rate: 0.5, untrained: [{ branchId: 'bn', memberId: 's2', since: '2024-01-01' }] });
    expect(merged.when('qp', 2024, '2024-09-10')).toMatchObject({ branches: 1, secretaries: 2 });
    // A branch closed after the day asked is still open then: counted once, as open.
    expect(merged.when('qp', 2024, '2024-08-31')).toMatchObject({ branches: 2, secretaries: 2 });
  });

  it("after a commune merger counts the closed communes' year in the successor: a branch merged away before it too (found by a black-box probe)", () => {
    const merged = given(
      at('UnitEstablished', { unitId: 'xb', kind: 'grassroots', name: 'Hạnh Dịch', parentId: 'qp' }, '2020-01-01'),
      at('BranchEstablished', { branchId: 'b3', parentUnitId: 'xb', name: 'Bản 3', area, predecessorIds: [] }, '2020-01-01'),
      at('OfficerAppointed', { branchId: 'b3', memberId: 's5', role: 'secretary', startsOn: '2022-01-01' }, '2022-01-01'),
      at('BranchesMerged', { mergerId: 'g3', sourceBranchIds: ['b1', 'b2'], intoBranchId: 'b1', intoNewBranch: false }, '2024-07-01'),
      at('OfficerDeparted', { branchId: 'b2', memberId: 's2', role: 'secretary', endsOn: '2024-07-01', cause: 'merger' }, '2024-07-01'),
      at('UnitEstablished', { unitId: 'xn', kind: 'grassroots', name: 'Tiền Phong mới', parentId: 'qp' }, '2024-11-01'),
      at('BranchMoved', { branchId: 'b1', fromUnitId: 'xa', toUnitId: 'xn' }, '2024-11-01'),
      at('BranchMoved', { branchId: 'sch', fromUnitId: 'xa', toUnitId: 'xn' }, '2024-11-01'),
      at('BranchMoved', { branchId: 'b3', fromUnitId: 'xb', toUnitId: 'xn' }, '2024-11-01'),
      at('UnitsMerged', { mergerId: 'u1', sourceUnitIds: ['xa', 'xb'], intoUnitId: 'xn', intoNewUnit: true }, '2024-11-01'),
    );
    const ids = (a: ReturnType<typeof merged.when>) => ({ secretaries: a.secretaries, untrained: a.untrained.map((u) => `${u.memberId}@${u.branchId}`) });
    expect(ids(merged.when('xn', 2024, '2024-12-31', ['s1']))).toEqual({ secretaries: 3, untrained: ['s2@b2', 's5@b3'] });
    expect(ids(merged.when('qp', 2024, '2024-12-31', ['s1']))).toEqual({ secretaries: 3, untrained: ['s2@b2', 's5@b3'] });
    expect(ids(merged.when('xa', 2024, '2024-10-31', ['s1']))).toEqual({ secretaries: 2, untrained: ['s2@b2'] });
    // The year after, the successor alone
    expect(ids(merged.when('xn', 2025, '2025-12-31', ['s1']))).toEqual({ secretaries: 2, untrained: ['s5@b3'] });
  });

  it('as of an instant, counts only what had been recorded by then', () => {
    // In force from 5 January, recorded only on 1 March.
    const late = given({ ...at('OfficerAppointed', { branchId: 'b1', memberId: 's5', role: 'secretary', startsOn: '2024-01-05' }, '2024-01-05'), recordedAt: '2024-03-01T08:00:00.000Z' });
    expect(late.when('qp', 2024, '2024-02-15', [], Date.parse('2024-02-15T00:00:00Z')).secretaries).toBe(2);
    expect(late.when('qp', 2024, '2024-02-15').secretaries).toBe(3);
  });
});
