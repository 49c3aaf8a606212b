import { Structure } from '../domain/structure';
import { openUnitIn } from './unit-placement';

const unit = (id: string, parentId: string | null, status = 'active', successorIds: string[] = []) => [id, { id, parentId, status, successorIds, ...(status === 'active' ? {} : { dissolvedOn: '2025-07-01' }) }] as const;
const branch = (id: string, parentUnitId: string, status = 'active') => [id, { id, parentUnitId, status, ...(status === 'active' ? {} : { closedOn: '2025-06-30' }) }] as const;

/** qp holds xa-1 (open), xa-d (dissolved, with its dissolved branch b-d) and xa-m (merged into xa-1, then xa-1's branch b-m moved there). */
const s = {
  units: new Map<string, unknown>([unit('qp', null), unit('xa-1', 'qp'), unit('xa-d', 'qp', 'dissolved'), unit('xa-m', 'qp', 'merged', ['xa-1']), unit('xa-x', 'gone', 'dissolved')]),
  branches: new Map<string, unknown>([branch('b-1', 'xa-1'), branch('b-d', 'xa-d', 'dissolved'), branch('b-s', 'xa-1', 'split'), branch('b-x', 'xa-x', 'dissolved')]),
} as unknown as Structure;

describe('openUnitIn: where a place closed by today is held now', () => {
  it('leaves open and unknown places as they are', () => {
    expect([openUnitIn(s, { kind: 'branch', id: 'b-1' }), openUnitIn(s, { kind: 'unit', id: 'xa-1' }), openUnitIn(s, { kind: 'branch', id: 'b-?' }), openUnitIn(s, { kind: 'unit', id: 'u-?' })]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("gives a closed branch its open unit, a dissolved unit its parent, a merged unit its successor; null where nothing open holds it", () => {
    expect(openUnitIn(s, { kind: 'branch', id: 'b-s' })).toBe('xa-1');
    expect(openUnitIn(s, { kind: 'branch', id: 'b-d' })).toBe('qp');
    expect(openUnitIn(s, { kind: 'unit', id: 'xa-d' })).toBe('qp');
    expect(openUnitIn(s, { kind: 'unit', id: 'xa-m' })).toBe('xa-1');
    expect(openUnitIn(s, { kind: 'branch', id: 'b-x' })).toBeNull();
  });

  it('leaves a place that was still open on the day asked as it is', () => {
    expect([openUnitIn(s, { kind: 'branch', id: 'b-d' }, '2025-06-29'), openUnitIn(s, { kind: 'branch', id: 'b-d' }, '2025-06-30'), openUnitIn(s, { kind: 'unit', id: 'xa-m' }, '2025-06-30'), openUnitIn(s, { kind: 'unit', id: 'xa-m' }, '2026-12-05')]).toEqual([undefined, 'qp', undefined, 'xa-1']);
  });
});
