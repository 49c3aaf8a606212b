import { Reply } from '../gateway/gateway-app';
import { admit, appoint, startTraining, TrainingApp, why } from './training-app';

const BRANCHES = 139;
const DEPUTIES = 71;
const pad = (i: number) => String(i).padStart(3, '0');
const ok = (r: Reply) => {
  if (r.status !== 201) throw new Error(`${r.status} ${r.raw}`);
  return r.body;
};

/**
 * The acceptance year of issue 17 through the gateway of the embedded start: the Quế Phong district
 * (qp) with 139 residential branches, each with a secretary, 3 courses for 210 officers (every
 * secretary and 71 deputies) with attendance on each day, then completion where 5 secretaries do not
 * complete; a secretary appointed after the courses; a merger of two branches.
 */
describe('the Quế Phong year (training compliance, embedded)', () => {
  let t: TrainingApp;
  const branches = Array.from({ length: BRANCHES }, (_, i) => (i < 3 ? `b-${i + 1}` : `qp-b-${pad(i)}`));
  const secretaries = branches.map((_, i) => `qs-${pad(i)}`);
  const deputies = Array.from({ length: DEPUTIES }, (_, i) => `qd-${pad(i)}`);
  const notCompleted = secretaries.slice(10, 15);
  let lastPosition = 0;
  const measured: Record<string, unknown> = {};

  beforeAll(async () => {
    t = await startTraining();
    for (const [i, id] of branches.entries()) {
      if (i < 3) continue; // b-1, b-2 (xa-1) and b-3 (xa-2) are the seeded tree's
      ok(await t.admin.post('/branches', { id, parentUnitId: i % 2 ? 'xa-1' : 'xa-2', name: `Chi đoàn bản ${id}`, area: { kind: 'village', name: `Bản ${id}` }, reason: 'khởi tạo', effectiveDate: '2025-01-01' }));
    }
    await t.sync();
    for (const [i, b] of branches.entries()) {
      await admit(t.admin, b, [secretaries[i], ...(i < DEPUTIES ? [deputies[i]] : [])]);
      await appoint(t.admin, b, secretaries[i], 'secretary');
      if (i < DEPUTIES) await appoint(t.admin, b, deputies[i], 'deputy-secretary');
    }
    await t.sync();
  }, 600_000);
  afterAll(async () => {
    console.log(`Quế Phong year, measured: ${JSON.stringify(measured)}`);
    await t?.gw.close();
  });

  it('runs 3 courses for 210 officers with attendance on each day, then completion with 5 secretaries not completing', async () => {
    const officers = [...secretaries, ...deputies];
    const groups = [officers.slice(0, 70), officers.slice(70, 140), officers.slice(140)];
    const courses: string[] = [];
    for (const [k, group] of groups.entries()) {
      const startsOn = `2025-0${4 + k}-10`;
      const endsOn = `2025-0${4 + k}-12`;
      const course = ok(await t.admin.post('/training-courses', { organiserUnitId: 'qp', title: `Bồi dưỡng cán bộ chi đoàn, lớp ${k + 1}`, kind: 'mixed', topics: [{ title: 'Kỹ năng sinh hoạt chi đoàn' }], startsOn, endsOn, partner: 'Trung tâm chính trị huyện Quế Phong', ...why('mở lớp', startsOn) })).id;
      courses.push(course);
      ok(await t.admin.post(`/training-courses/${course}/enrolments`, { memberIds: group, ...why('triệu tập', startsOn) }));
      for (const day of [10, 11, 12]) ok(await t.admin.post(`/training-courses/${course}/attendance`, { on: `2025-0${4 + k}-${day}`, presentMemberIds: group.filter((m) => day === 10 || !notCompleted.includes(m)), ...why('điểm danh') }));
      const results = group.map((memberId) => ({ memberId, outcome: notCompleted.includes(memberId) ? 'not-completed' : 'completed' }));
      lastPosition = ok(await t.admin.post(`/training-courses/${course}/completion`, { results, ...why('bế giảng') })).position;
    }
    const enrolled = await Promise.all(courses.map(async (c) => (await t.admin.get(`/training-courses/${c}?minPosition=${lastPosition}`)).body.participants));
    const posts = enrolled.flat().reduce((n: Record<string, number>, p: { post: string }) => ({ ...n, [p.post]: (n[p.post] ?? 0) + 1 }), {});
    measured.participants = enrolled.flat().length;
    measured.posts = posts;
    expect(posts).toEqual({ secretary: 139, 'deputy-secretary': 71 });
  }, 600_000);

  it('answers 139 secretaries, 134 trained, and lists the 5 by branch', async () => {
    const r = await t.admin.get(`/training-compliance?unitId=qp&year=2025&asOf=2025-10-31&minPosition=${lastPosition}`);
    expect(r.status).toBe(200);
    measured.before = { branches: r.body.branches, secretaries: r.body.secretaries, trained: r.body.trained, untrained: r.body.untrained.length };
    expect(r.body).toMatchObject({ unitId: 'qp', year: 2025, branches: 139, secretaries: 139, trained: 134 });
    expect(r.body.untrained).toEqual(notCompleted.map((memberId) => ({ branchId: branches[secretaries.indexOf(memberId)], memberId, since: '2025-02-01' })));
    const csv = await t.admin.get(`/training-compliance?unitId=qp&year=2025&asOf=2025-10-31`, { accept: 'text/csv' });
    expect(csv.raw.split('\r\n').filter(Boolean)).toHaveLength(6);
  });

  it('shows a secretary appointed after the courses as untrained', async () => {
    const b = branches[50];
    ok(await t.admin.post(`/branches/${b}/officer-departures`, { memberId: secretaries[50], endsOn: '2025-11-01', cause: 'resigned', reason: 'chuyển công tác', effectiveDate: '2025-11-01' }));
    await admit(t.admin, b, ['qn-new']);
    await appoint(t.admin, b, 'qn-new', 'secretary', '2025-11-10');
    await t.sync();
    const r = await t.admin.get('/training-compliance?unitId=qp&year=2025&asOf=2025-12-31');
    measured.afterAppointment = { branches: r.body.branches, secretaries: r.body.secretaries, trained: r.body.trained, untrained: r.body.untrained.length };
    expect(r.body).toMatchObject({ branches: 139, secretaries: 140, trained: 134 });
    expect(r.body.untrained).toContainEqual({ branchId: b, memberId: 'qn-new', since: '2025-11-10' });
  });

  it('after merging two of the branches, counts 138 residential branches with the successor’s secretary once', async () => {
    const [absorbed, successor] = [branches[20], branches[21]];
    ok(await t.admin.post('/branch-mergers', { sourceBranchIds: [absorbed], into: { branchId: successor }, reason: 'sáp nhập bản', effectiveDate: '2025-12-01' }));
    await t.sync();
    const r = await t.admin.get('/training-compliance?unitId=qp&year=2025&asOf=2025-12-31');
    measured.afterMerger = { branches: r.body.branches, secretaries: r.body.secretaries, trained: r.body.trained, untrained: r.body.untrained.length };
    expect(r.body).toMatchObject({ branches: 138, secretaries: 139, trained: 133 });
    expect(r.body.untrained.filter((u: { branchId: string }) => u.branchId === successor)).toEqual([]);
    // Before the merger took effect the district still had both.
    expect((await t.admin.get('/training-compliance?unitId=qp&year=2025&asOf=2025-11-30')).body).toMatchObject({ branches: 139, secretaries: 140 });
  });
});
