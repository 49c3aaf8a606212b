import { OfficerAppointed, OfficerDeparted, OfficerRole } from '@register/contracts';
import { ReplicaBranch } from '../application/branch-replica';
import { Dated, project, recorded } from '../testing/projection-testing';
import { BranchOfficers } from '../domain/branch-officers';
import { branchOfficersDecider } from '../testing/officers-decider';
import { officerPostsProjection } from './officer-posts.projection';
import { vacancies } from './officer-posts.read-model';

const appoint = (branchId: string, memberId: string, role: OfficerRole = 'secretary', startsOn = '2024-01-01', over: Partial<OfficerAppointed['data']> = {}): OfficerAppointed => ({
  type: 'OfficerAppointed',
  data: { branchId, memberId, role, method: 'appointed', startsOn, source: 'teacher', ...over },
});
const depart = (branchId: string, memberId: string, endsOn: string, role: OfficerRole = 'secretary', cause: OfficerDeparted['data']['cause'] = 'resigned'): OfficerDeparted => ({
  type: 'OfficerDeparted',
  data: { branchId, memberId, role, endsOn, cause },
});
const branch = (branchId: string, establishedOn = '2020-01-01'): ReplicaBranch => ({ branchId, parentUnitId: 'u', name: branchId, status: 'active', establishedOn, closedOn: null, lastRating: null });

describe('officer-posts projection', () => {
  it("keeps each branch's posts held now, its version (the stream's revision) and since when it has no secretary", async () => {
    const { collection } = await project(officerPostsProjection, [
      appoint('b1', 'm1', 'secretary', '2024-01-15', { method: 'interim', congressDeadline: '2024-07-15' }),
      appoint('b1', 'm2', 'deputy-secretary'),
      appoint('b2', 'm3'),
      depart('b1', 'm1', '2024-06-01'),
    ]);
    expect(await collection('branches').get('b1')).toEqual({
      _id: 'b1',
      officers: [{ branchId: 'b1', memberId: 'm2', role: 'deputy-secretary', method: 'appointed', source: 'teacher', startsOn: '2024-01-01', congressDeadline: null, termEndsOn: null, endsOn: null, cause: null }],
      posts: [
        { branchId: 'b1', memberId: 'm1', role: 'secretary', method: 'interim', source: 'teacher', startsOn: '2024-01-15', congressDeadline: '2024-07-15', termEndsOn: null, endsOn: '2024-06-01', cause: 'resigned' },
        { branchId: 'b1', memberId: 'm2', role: 'deputy-secretary', method: 'appointed', source: 'teacher', startsOn: '2024-01-01', congressDeadline: null, termEndsOn: null, endsOn: null, cause: null },
      ],
      hasSecretary: false,
      everHadSecretary: true,
      lastSecretaryEndedOn: '2024-06-01',
      vacantSince: '2024-06-01',
      version: 2,
    });
    expect(await collection('branches').get('b2')).toMatchObject({ hasSecretary: true, vacantSince: null, version: 0 });
  });

  it("keeps each officer's career across branches, with sources and dates, oldest first", async () => {
    const { collection } = await project(officerPostsProjection, [
      appoint('b2', 'm1', 'deputy-secretary', '2022-01-01', { source: 'militia' }),
      depart('b2', 'm1', '2023-01-01', 'deputy-secretary', 'term-ended'),
      appoint('b1', 'm1', 'secretary', '2024-01-15'),
      depart('b1', 'm1', '2025-07-01', 'secretary', 'merger'),
      appoint('b1', 'm2', 'secretary', '2025-07-01'),
    ]);
    expect(await collection('careers').get('m1')).toEqual({
      _id: 'm1',
      posts: [
        { branchId: 'b2', memberId: 'm1', role: 'deputy-secretary', method: 'appointed', source: 'militia', startsOn: '2022-01-01', congressDeadline: null, termEndsOn: null, endsOn: '2023-01-01', cause: 'term-ended' },
        { branchId: 'b1', memberId: 'm1', role: 'secretary', method: 'appointed', source: 'teacher', startsOn: '2024-01-15', congressDeadline: null, termEndsOn: null, endsOn: '2025-07-01', cause: 'merger' },
      ],
    });
    expect(await collection('branches').get('b1')).toMatchObject({ hasSecretary: true, vacantSince: null, lastSecretaryEndedOn: '2025-07-01' });
  });

  it('lists the open branches without a secretary since the last post ended, or since they were established', async () => {
    const { collection } = await project(officerPostsProjection, [appoint('b1', 'm1'), appoint('b2', 'm2'), appoint('b2', 'm9', 'deputy-secretary'), depart('b2', 'm2', '2025-03-01')]);
    expect(await vacancies([branch('b1'), branch('b2'), branch('b3', '2025-07-01')], collection('branches'), '2025-08-01')).toEqual([
      { branchId: 'b2', name: 'b2', parentUnitId: 'u', vacantSince: '2025-03-01', everHadSecretary: true },
      { branchId: 'b3', name: 'b3', parentUnitId: 'u', vacantSince: '2025-07-01', everHadSecretary: false },
    ]);
  });

  it('keeps an appointment starting, or a departure dated, after today pending in the vacancies', async () => {
    const { collection } = await project(officerPostsProjection, [appoint('b1', 'm1'), appoint('b3', 'm3', 'secretary', '2025-07-01'), depart('b1', 'm1', '2025-07-01')]);
    const vacant = async (today: string) => (await vacancies([branch('b1'), branch('b3')], collection('branches'), today)).map((v) => `${v.branchId}:${v.vacantSince}:${v.everHadSecretary}`);
    expect(await vacant('2025-06-01')).toEqual(['b3:2020-01-01:false']);
    expect(await vacant('2025-07-01')).toEqual(['b1:2025-07-01:true']);
  });

  it('agrees with the fold of each branch (what asOf reads and the write side see), event by event or in one batch', async () => {
    // A seeded sequence of appointments and departures that the decider accepts.
    let seed = 7;
    const next = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const states = new Map<string, BranchOfficers>();
    const events: Dated[] = [];
    for (let i = 0, day = 0; i < 300; i++) {
      const b = `b${Math.floor(next() * 5)}`;
      const s = states.get(b) ?? branchOfficersDecider.initialState();
      const on = new Date(Date.UTC(2020, 0, 1 + day++)).toISOString().slice(0, 10);
      const held = s.current[Math.floor(next() * s.current.length)];
      const e =
        held && next() < 0.4
          ? depart(b, held.memberId, on, held.role)
          : appoint(b, `m${Math.floor(next() * 40)}`, next() < 0.5 ? 'secretary' : 'deputy-secretary', on, { source: next() < 0.5 ? 'teacher' : 'militia' });
      if (e.type === 'OfficerAppointed' && s.current.some((p) => p.memberId === e.data.memberId || (p.role === 'secretary' && e.data.role === 'secretary'))) continue;
      states.set(b, branchOfficersDecider.evolve(s, e));
      events.push(e);
    }
    const last = new Map(recorded(events).map((e) => [(e.data as { branchId: string }).branchId, e.revision]));
    for (const options of [{}, { maxBatchEvents: 1 }]) {
      const { collection } = await project(officerPostsProjection, events, options);
      for (const [b, s] of states) {
        const doc = await collection('branches').get(b);
        expect(doc).toMatchObject({ version: last.get(b), hasSecretary: s.current.some((p) => p.role === 'secretary') });
        expect((doc!.officers as Array<{ memberId: string; role: string }>).map((p) => [p.memberId, p.role])).toEqual(s.current.map((p) => [p.memberId, p.role]));
      }
    }
  });
});
