import { Role } from '@register/auth';
import { Api, Case } from '../gateway/matrix-cases';
import { why } from './training-app';

/**
 * The training writes of the authorisation matrix, inside Quế Phong (qp, xa-1, b-1, member m-in) and
 * outside it (Thanh Hóa: th, b-9, member m-out): the embedded gateway's matrix (authorisation-matrix.test.ts)
 * and the distributed one (test/gateway/distributed-training-evaluation.test.ts) run the same.
 */

export const trainingCallers: Array<{ name: string; roles: Role[]; scopeUnitId?: string; scopeBranchId?: string; allow?: string[]; apiKey?: boolean }> = [
  { name: 'central-admin', roles: ['central-admin'] },
  { name: 'unit-officer', roles: ['unit-officer'], scopeUnitId: 'qp' },
  { name: 'branch-secretary', roles: ['branch-secretary'], scopeBranchId: 'b-1' },
  { name: 'auditor', roles: ['auditor'] },
  { name: 'system-integrator (key, scope qp, may schedule courses)', roles: ['system-integrator'], scopeUnitId: 'qp', allow: ['training.schedule'], apiKey: true },
  { name: 'system-integrator (token, no scope, may do anything)', roles: ['system-integrator'], allow: ['*'] },
  { name: 'unit-officer without a scope', roles: ['unit-officer'] },
];

/** Fresh courses (one member enrolled), competitions (one entrant) and mentor assignments, made by `admin`. */
export function trainingFixtures(admin: Api) {
  const counter = { n: 0 };
  const course = async (organiserUnitId: string) => {
    const r = await admin.post('/training-courses', { organiserUnitId, title: `Lớp ${++counter.n}`, kind: 'skills', topics: [{ title: 'Kỹ năng sinh hoạt chi đoàn' }], startsOn: '2025-05-10', endsOn: '2025-05-11', ...why('mở lớp', '2025-05-01') });
    if (r.status !== 201) throw new Error(r.raw);
    return r.body.id as string;
  };
  const enrolled = async (organiserUnitId: string, memberId: string) => {
    const id = await course(organiserUnitId);
    const r = await admin.post(`/training-courses/${id}/enrolments`, { memberIds: [memberId], ...why('triệu tập', '2025-05-01') });
    if (r.status !== 201) throw new Error(r.raw);
    return id;
  };
  const competition = async (organiserUnitId: string, entrant?: string) => {
    const r = await admin.post('/competitions', { organiserUnitId, title: `Hội thi ${++counter.n}`, heldOn: '2025-03-20', ...why() });
    if (r.status !== 201) throw new Error(r.raw);
    if (entrant && (await admin.post(`/competitions/${r.body.id}/entries`, { memberIds: [entrant], ...why() })).status !== 201) throw new Error('entry');
    return r.body.id as string;
  };
  /**
   * Each assignment its own day from 2025-07-01 on (until the next, not included), so that one
   * mentor's assignments to one branch never overlap (409 already-assigned), ended or not.
   */
  const days = { n: 0 };
  const period = () => {
    const day = (k: number) => new Date(Date.UTC(2025, 6, 1 + k)).toISOString().slice(0, 10);
    days.n += 2;
    return { startsOn: day(days.n), endsOn: day(days.n + 1) };
  };
  const assignment = async (branchId: string, mentorMemberId: string) => {
    const { startsOn, endsOn } = period();
    const r = await admin.post('/mentor-assignments', { branchId, mentorMemberId, startsOn, endsOn, ...why() });
    if (r.status !== 201) throw new Error(r.raw);
    return { id: r.body.id as string, startsOn };
  };
  return { course, enrolled, competition, assignment, period };
}

/** For each training write action: one request inside the caller's scope, and those outside it (fresh fixtures each time). */
export function trainingScenarios(fixtures: ReturnType<typeof trainingFixtures>): Record<string, () => Promise<{ inside: Case; outside: Case[] }>> {
  const { course, enrolled, competition, assignment, period } = fixtures;
  return {
    'training.schedule': async () => ({
      inside: { path: '/training-courses', body: { organiserUnitId: 'xa-1', title: 'Lớp xã', kind: 'skills', topics: [{ title: 'Kỹ năng sinh hoạt chi đoàn' }], startsOn: '2025-05-10', endsOn: '2025-05-11', ...why() } },
      outside: [{ path: '/training-courses', body: { organiserUnitId: 'th', title: 'Lớp tỉnh khác', kind: 'skills', topics: [{ title: 'Kỹ năng sinh hoạt chi đoàn' }], startsOn: '2025-05-10', endsOn: '2025-05-11', ...why() } }],
    }),
    'training.enrol': async () => ({
      inside: { path: `/training-courses/${await course('qp')}/enrolments`, body: { memberIds: ['m-in'], ...why() } },
      outside: [
        { path: `/training-courses/${await course('th')}/enrolments`, body: { memberIds: ['m-in'], ...why() } },
        { path: `/training-courses/${await course('qp')}/enrolments`, body: { memberIds: ['m-out'], ...why() } },
        { path: `/training-courses/${await course('qp')}/enrolments`, body: { memberIds: ['m-in', 'm-out'], ...why() } },
      ],
    }),
    'training.run': async () => ({
      inside: { path: `/training-courses/${await enrolled('qp', 'm-in')}/attendance`, body: { on: '2025-05-10', presentMemberIds: ['m-in'], ...why() } },
      outside: [
        { path: `/training-courses/${await enrolled('th', 'm-out')}/attendance`, body: { on: '2025-05-10', presentMemberIds: ['m-out'], ...why() } },
        { path: `/training-courses/${await enrolled('th', 'm-in')}/completion`, body: { results: [{ memberId: 'm-in', outcome: 'completed' }], ...why() } },
        { path: `/training-courses/${await course('th')}/cancellation`, body: why() },
      ],
    }),
    'training.competition.announce': async () => ({
      inside: { path: '/competitions', body: { organiserUnitId: 'xa-1', title: 'Hội thi xã', heldOn: '2025-03-20', ...why() } },
      outside: [{ path: '/competitions', body: { organiserUnitId: 'th', title: 'Hội thi tỉnh khác', heldOn: '2025-03-20', ...why() } }],
    }),
    'training.competition.enter': async () => ({
      inside: { path: `/competitions/${await competition('qp')}/entries`, body: { memberIds: ['m-in'], ...why() } },
      outside: [
        { path: `/competitions/${await competition('th')}/entries`, body: { memberIds: ['m-in'], ...why() } },
        { path: `/competitions/${await competition('qp')}/entries`, body: { memberIds: ['m-out'], ...why() } },
      ],
    }),
    'training.competition.award': async () => ({
      inside: { path: `/competitions/${await competition('qp', 'm-in')}/results`, body: { awards: [{ memberId: 'm-in', award: 'Giải nhất' }], ...why() } },
      outside: [{ path: `/competitions/${await competition('th', 'm-out')}/results`, body: { awards: [{ memberId: 'm-out', award: 'Giải nhất' }], ...why() } }],
    }),
    'training.mentor.assign': async () => ({
      inside: { path: '/mentor-assignments', body: { branchId: 'b-1', mentorMemberId: 'm-in', ...period(), ...why() } },
      outside: [
        { path: '/mentor-assignments', body: { branchId: 'b-9', mentorMemberId: 'm-in', ...period(), ...why() } },
        { path: '/mentor-assignments', body: { branchId: 'b-1', mentorMemberId: 'm-out', ...period(), ...why() } },
      ],
    }),
    'training.mentor.end': async () => {
      // Ended on its first day: an ending never stretches an assignment over the next one's day.
      const [inside, outside] = [await assignment('b-1', 'm-in'), await assignment('b-9', 'm-out')];
      return {
        inside: { path: `/mentor-assignments/${inside.id}/ending`, body: { endsOn: inside.startsOn, ...why() } },
        outside: [{ path: `/mentor-assignments/${outside.id}/ending`, body: { endsOn: outside.startsOn, ...why() } }],
      };
    },
  };
}
