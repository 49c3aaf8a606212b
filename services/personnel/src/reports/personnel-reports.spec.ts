import { ReplicaBranch } from '../application/branch-replica';
import { PostRow } from '../application/personnel-directory';
import { overdueInterimOfficers, secretariesBySource, vacancies } from './personnel-reports';

const branch = (branchId: string, establishedOn = '2020-01-01'): ReplicaBranch => ({ branchId, parentUnitId: 'u', name: branchId, status: 'active', establishedOn, closedOn: null, lastRating: null });
const post = (over: Partial<PostRow>): PostRow => ({
  branchId: 'b1',
  memberId: 'm1',
  role: 'secretary',
  method: 'appointed',
  source: 'teacher',
  startsOn: '2024-01-01',
  congressDeadline: null,
  endsOn: null,
  cause: null,
  ...over,
});

describe('personnel reports', () => {
  it('lists branches without a secretary since the last post ended, or since they were established', () => {
    const posts: Record<string, PostRow[]> = {
      b1: [post({})],
      b2: [post({ branchId: 'b2', endsOn: '2025-03-01', cause: 'resigned' }), post({ branchId: 'b2', memberId: 'm9', role: 'deputy-secretary' })],
      b3: [],
    };
    expect(vacancies([branch('b1'), branch('b2'), branch('b3', '2025-07-01')], (b) => posts[b] ?? [])).toEqual([
      { branchId: 'b2', name: 'b2', parentUnitId: 'u', vacantSince: '2025-03-01', everHadSecretary: true },
      { branchId: 'b3', name: 'b3', parentUnitId: 'u', vacantSince: '2025-07-01', everHadSecretary: false },
    ]);
  });

  it('finds interim officers past their congress deadline', () => {
    const late = post({ method: 'interim', congressDeadline: '2026-01-01' });
    const onTime = post({ branchId: 'b2', method: 'interim', congressDeadline: '2026-06-01' });
    expect(overdueInterimOfficers([late, onTime, post({ branchId: 'b3' })], '2026-03-01')).toEqual([late]);
  });

  it('counts secretaries in post by source', () => {
    const counts = secretariesBySource([post({}), post({ branchId: 'b2', source: 'militia' }), post({ branchId: 'b3', source: 'teacher' }), post({ branchId: 'b4', role: 'deputy-secretary' })]);
    expect(counts).toMatchObject({ teacher: 2, militia: 1, 'commune-police': 0 });
  });
});
