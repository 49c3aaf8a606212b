import { OfficerAppointed, OfficerDeparted, OfficerRole } from '@register/contracts';
import { project } from '../testing/projection-testing';
import { overdueInterimOfficers, secretariesBySource } from './personnel-reports';
import { personnelReportsProjection } from './personnel-reports.projection';

const appoint = (branchId: string, memberId: string, over: Partial<OfficerAppointed['data']> = {}): OfficerAppointed => ({
  type: 'OfficerAppointed',
  data: { branchId, memberId, role: 'secretary', method: 'appointed', startsOn: '2025-01-01', source: 'teacher', ...over },
});
/** A departure recorded after its day (the spec's log records everything on 1 January 2025), or on `endsOn` one recorded ahead. */
const depart = (branchId: string, memberId: string, role: OfficerRole = 'secretary', endsOn = '2024-12-01'): OfficerDeparted => ({ type: 'OfficerDeparted', data: { branchId, memberId, role, endsOn, cause: 'resigned' } });

describe('personnel-reports projection', () => {
  it('keeps the posts held now and finds interim officers past their congress deadline', async () => {
    const { collection, docs } = await project(personnelReportsProjection, [
      appoint('b1', 'm1', { method: 'interim', congressDeadline: '2026-01-01' }),
      appoint('b2', 'm2', { method: 'interim', congressDeadline: '2026-06-01' }),
      appoint('b3', 'm3', { method: 'interim', congressDeadline: '2025-12-01' }),
      appoint('b4', 'm4'),
      depart('b3', 'm3'),
    ]);
    expect((await docs('posts')).map((p) => p._id)).toEqual(['b1|secretary|m1', 'b2|secretary|m2', 'b4|secretary|m4']);
    expect(await overdueInterimOfficers(collection('posts'), '2026-03-01')).toEqual([
      { branchId: 'b1', memberId: 'm1', role: 'secretary', method: 'interim', source: 'teacher', startsOn: '2025-01-01', congressDeadline: '2026-01-01', endsOn: null, cause: null },
    ]);
    expect(await overdueInterimOfficers(collection('posts'), '2025-12-31')).toEqual([]);
  });

  it('counts secretaries in post by source; deputies do not count, departures do', async () => {
    const { collection } = await project(personnelReportsProjection, [
      appoint('b1', 'm1'),
      appoint('b2', 'm2', { source: 'militia' }),
      appoint('b3', 'm3'),
      appoint('b4', 'm4', { role: 'deputy-secretary', source: 'commune-police' }),
      depart('b3', 'm3'),
      appoint('b3', 'm5', { source: 'militia' }),
      depart('b4', 'm4', 'deputy-secretary'),
      depart('b9', 'm9'),
    ]);
    expect(await secretariesBySource(collection('sources'), collection('posts'), '2026-12-05')).toMatchObject({ teacher: 1, militia: 2, 'commune-police': 0, other: 0 });
  });

  it('counts a secretary whose post starts later from that day on, not before', async () => {
    const { collection } = await project(personnelReportsProjection, [appoint('b1', 'm1'), appoint('b2', 'm2', { startsOn: '2030-01-01' })]);
    expect(await secretariesBySource(collection('sources'), collection('posts'), '2026-12-05')).toMatchObject({ teacher: 1 });
    expect(await secretariesBySource(collection('sources'), collection('posts'), '2030-01-01')).toMatchObject({ teacher: 2 });
  });

  it('keeps a secretary whose departure is recorded ahead in post until its day, in the counts and the overdue interim officers (a probe saw them dropped at once)', async () => {
    const { collection } = await project(personnelReportsProjection, [
      appoint('b1', 'm1', { source: 'militia' }),
      appoint('b2', 'm2', { source: 'militia', method: 'interim', congressDeadline: '2025-06-01' }),
      depart('b1', 'm1', 'secretary', '2026-12-28'),
      depart('b2', 'm2', 'secretary', '2026-12-28'),
    ]);
    for (const [day, held] of [['2026-12-06', 2], ['2026-12-28', 0]] as const) {
      expect([day, (await secretariesBySource(collection('sources'), collection('posts'), day)).militia]).toEqual([day, held]);
      expect([day, (await secretariesBySource(collection('sources'), collection('posts'), day, ['b1', 'b2'])).militia]).toEqual([day, held]);
    }
    expect((await overdueInterimOfficers(collection('posts'), '2026-12-06')).map((p) => p.memberId)).toEqual(['m2']);
    expect(await overdueInterimOfficers(collection('posts'), '2026-12-29')).toEqual([]);
  });
});
