/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read freely in tests */
import { inParallel } from '../support/in-parallel';

/** What the scenario needs of a setup: a central administrator's client through the gateway, and a way to let training catch up. */
export interface ScenarioSetup {
  post(path: string, body: unknown): Promise<{ status: number; body: any }>;
  get(path: string): Promise<{ status: number; body: any }>;
  /** Returns once training has applied every event organisation and personnel have published so far. */
  sync(): Promise<void>;
  /** Makes the ids of this run unique (the events topics are shared by every run). */
  prefix: string;
  /** An existing unit to hang the province under (the central committee). */
  rootUnitId: string;
}

/** Clients sending at once while the district is built. */
const WIDTH = 8;

const pad = (i: number) => String(i).padStart(3, '0');
const nameOf = (id: string) => id.replace(/[^a-z0-9]/gi, '').replace(/\d/g, (d) => 'abcdefghij'[Number(d)]);

/**
 * The acceptance year of issue 17 through the gateway: a district with `branchCount` residential
 * branches, each with a secretary; 3 courses for every secretary and `deputyCount` deputies with
 * attendance on each day; completion where 5 secretaries do not complete; a secretary appointed
 * after the courses; a merger of two branches. Returns the figures as measured.
 */
export async function quePhongYear(s: ScenarioSetup, branchCount = 139, deputyCount = 71) {
  const p = s.prefix;
  const ok = async (r: Promise<{ status: number; body: any }>) => {
    const a = await r;
    if (a.status !== 201) throw new Error(`${a.status} ${JSON.stringify(a.body)}`);
    return a.body;
  };
  const why = (reason: string, effectiveDate?: string) => ({ reason, ...(effectiveDate ? { effectiveDate } : {}) });
  const measured: Record<string, any> = {};
  const district = `${p}qp`;
  const communes = [`${p}xa1`, `${p}xa2`];
  for (const u of [
    { id: `${p}na`, kind: 'province', name: 'Tỉnh đoàn Nghệ An', parentId: s.rootUnitId },
    { id: district, kind: 'district', name: 'Huyện đoàn Quế Phong', parentId: `${p}na` },
    { id: communes[0], kind: 'grassroots', name: 'Đoàn xã Tiền Phong', parentId: district },
    { id: communes[1], kind: 'grassroots', name: 'Đoàn xã Thông Thụ', parentId: district },
  ])
    await ok(s.post('/units', { ...u, ...why('khởi tạo', '2025-01-01') }));
  const branches = Array.from({ length: branchCount }, (_, i) => `${p}b${pad(i)}`);
  const secretaries = branches.map((_, i) => `${p}s${pad(i)}`);
  const deputies = Array.from({ length: deputyCount }, (_, i) => `${p}d${pad(i)}`);
  const notCompleted = secretaries.slice(10, 15);
  // The district's offices send their branches and members a few at a time, as several clients would (the writes are independent).
  await inParallel(branches, WIDTH, async (id, i) => {
    await ok(s.post('/branches', { id, parentUnitId: communes[i % 2], name: `Chi đoàn bản ${nameOf(`b${pad(i)}`)}`, area: { kind: 'village', name: `Bản ${nameOf(`b${pad(i)}`)}` }, ...why('khởi tạo', '2025-01-01') }));
  });
  await s.sync();
  const admit = (id: string, branchId: string) =>
    ok(s.post('/members', { id, branchId, fullName: `Lò Văn ${nameOf(id.slice(p.length))}`, dateOfBirth: '2000-01-01', gender: 'male', admittedOn: '2025-02-01', ...why('kết nạp', '2025-02-01') }));
  const appoint = (branchId: string, memberId: string, role: string, startsOn = '2025-02-01') =>
    ok(s.post(`/branches/${branchId}/officer-appointments`, { memberId, role, method: 'elected', source: 'other', startsOn, ...why('bầu', startsOn) }));
  await inParallel(branches, WIDTH, async (b, i) => {
    await admit(secretaries[i], b);
    await appoint(b, secretaries[i], 'secretary');
    if (i < deputyCount) {
      await admit(deputies[i], b);
      await appoint(b, deputies[i], 'deputy-secretary');
    }
  });
  await s.sync();

  // 3 courses for every secretary and the deputies, attendance on each of 3 days, then completion.
  const officers = [...secretaries, ...deputies];
  const size = Math.ceil(officers.length / 3);
  const courses: string[] = [];
  let position = 0;
  for (let k = 0; k < 3; k++) {
    const group = officers.slice(k * size, (k + 1) * size);
    const month = `2025-0${4 + k}`;
    const course = (await ok(s.post('/training-courses', { organiserUnitId: district, title: `Bồi dưỡng cán bộ chi đoàn, lớp ${k + 1}`, kind: 'mixed', topics: [{ title: 'Kỹ năng sinh hoạt chi đoàn' }], startsOn: `${month}-10`, endsOn: `${month}-12`, partner: 'Trung tâm chính trị huyện Quế Phong', ...why('mở lớp', `${month}-01`) }))).id;
    courses.push(course);
    await ok(s.post(`/training-courses/${course}/enrolments`, { memberIds: group, ...why('triệu tập', `${month}-01`) }));
    for (const day of [10, 11, 12]) await ok(s.post(`/training-courses/${course}/attendance`, { on: `${month}-${day}`, presentMemberIds: group.filter((m) => day === 10 || !notCompleted.includes(m)), ...why('điểm danh') }));
    const results = group.map((memberId) => ({ memberId, outcome: notCompleted.includes(memberId) ? 'not-completed' : 'completed' }));
    position = (await ok(s.post(`/training-courses/${course}/completion`, { results, ...why('bế giảng') }))).position;
  }
  const participants = (await Promise.all(courses.map(async (c) => (await s.get(`/training-courses/${c}?minPosition=${position}`)).body.participants))).flat();
  measured.courses = courses.length;
  measured.participants = participants.length;
  measured.posts = participants.reduce((n: Record<string, number>, x: { post: string }) => ({ ...n, [x.post]: (n[x.post] ?? 0) + 1 }), {});
  measured.daysAttended = participants.reduce((n: number, x: { attendedOn: string[] }) => n + x.attendedOn.length, 0);
  const figures = (r: { body: any }) => ({ branches: r.body.branches, secretaries: r.body.secretaries, trained: r.body.trained, untrained: r.body.untrained.length });
  const compliance = (asOf: string, minPosition = 0) => s.get(`/training-compliance?unitId=${district}&year=2025&asOf=${asOf}${minPosition ? `&minPosition=${minPosition}` : ''}`);

  const before = await compliance('2025-10-31', position);
  measured.afterCourses = figures(before);
  measured.untrainedListed = before.body.untrained;
  measured.expectedUntrained = notCompleted.map((memberId) => ({ branchId: branches[secretaries.indexOf(memberId)], memberId, since: '2025-02-01' }));

  // A secretary appointed after the courses (the one before resigned).
  const b = branches[50];
  await ok(s.post(`/branches/${b}/officer-departures`, { memberId: secretaries[50], endsOn: '2025-11-01', cause: 'resigned', ...why('chuyển công tác', '2025-11-01') }));
  await admit(`${p}new`, b);
  await appoint(b, `${p}new`, 'secretary', '2025-11-10');
  await s.sync();
  const after = await compliance('2025-12-31');
  measured.afterAppointment = figures(after);
  measured.newcomer = after.body.untrained.find((u: { memberId: string }) => u.memberId === `${p}new`);
  measured.newcomerExpected = { branchId: b, memberId: `${p}new`, since: '2025-11-10' };

  // A competition with awards, and mentors for the two branches about to merge.
  const [absorbed, successor] = [branches[20], branches[21]];
  const contest = (await ok(s.post('/competitions', { organiserUnitId: district, title: 'Hội thi Bí thư chi đoàn giỏi', heldOn: '2025-03-20', ...why('tổ chức hội thi') }))).id;
  await ok(s.post(`/competitions/${contest}/entries`, { memberIds: secretaries.slice(0, 10), ...why('đăng ký dự thi') }));
  await ok(s.post(`/competitions/${contest}/results`, { awards: [{ memberId: secretaries[0], award: 'Giải nhất' }, { memberId: secretaries[1], award: 'Giải nhì' }], ...why('công bố kết quả') }));
  const mentorOfAbsorbed = (await ok(s.post('/mentor-assignments', { branchId: absorbed, mentorMemberId: deputies[0], startsOn: '2025-07-01', ...why('phân công phụ trách') }))).id;
  await ok(s.post('/mentor-assignments', { branchId: successor, mentorMemberId: deputies[1], startsOn: '2025-07-01', ...why('phân công phụ trách') }));

  // Two branches merge.
  await ok(s.post('/branch-mergers', { sourceBranchIds: [absorbed], into: { branchId: successor }, ...why('sáp nhập bản', '2025-12-01') }));
  await s.sync();
  const merged = await compliance('2025-12-31');
  measured.afterMerger = figures(merged);
  measured.successorListed = merged.body.untrained.filter((u: { branchId: string }) => u.branchId === successor).length;
  measured.beforeMergerDay = figures(await compliance('2025-11-30'));
  const mentors = async (branchId: string) => (await s.get(`/branches/${branchId}/mentors`)).body.items.map((m: any) => [m.mentorMemberId.slice(p.length), m.status, m.endsOn, m.cause]);
  for (let tries = 0; tries < 100 && (await mentors(absorbed))[0]?.[1] !== 'ended'; tries++) await new Promise((r) => setTimeout(r, 100));
  measured.mentors = { absorbed: await mentors(absorbed), successor: await mentors(successor), assignment: mentorOfAbsorbed.length > 0 };
  return measured;
}

/** What the scenario must measure with 139 branches and 71 deputies (scaled: the same arithmetic). */
export function expectedFigures(branchCount = 139, deputyCount = 71) {
  return {
    participants: branchCount + deputyCount,
    posts: { secretary: branchCount, 'deputy-secretary': deputyCount },
    afterCourses: { branches: branchCount, secretaries: branchCount, trained: branchCount - 5, untrained: 5 },
    afterAppointment: { branches: branchCount, secretaries: branchCount + 1, trained: branchCount - 5, untrained: 6 },
    // The absorbed branch is no longer counted on the year's last day, but its secretary held the post that year and still counts (trained).
    afterMerger: { branches: branchCount - 1, secretaries: branchCount + 1, trained: branchCount - 5, untrained: 6 },
    beforeMergerDay: { branches: branchCount, secretaries: branchCount + 1, trained: branchCount - 5, untrained: 6 },
    mentors: { absorbed: [['d000', 'ended', '2025-12-01', 'merger']], successor: [['d001', 'active', null, null]], assignment: true },
  };
}
