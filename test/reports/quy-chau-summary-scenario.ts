import { OFFICER_SOURCES } from '@register/contracts';
import { why } from '../gateway/gateway-app';
import { rateTheYear, seedQuyChau, Setup } from '../evaluation/quy-chau-scenario';
import { inParallel } from '../support/in-parallel';

export type { Setup };
type Client = Awaited<ReturnType<Setup['as']>>;

const FAMILY = ['Lò', 'Vi', 'Lương', 'Sầm', 'Hà', 'Lang', 'Quang', 'Kha', 'Cầm', 'Nguyễn'];
const MIDDLE = ['Văn', 'Thị', 'Đức', 'Thanh', 'Minh', 'Ngọc', 'Hữu', 'Thu', 'Quốc', 'Kim'];
const GIVEN = ['An', 'Bình', 'Chiến', 'Dũng', 'Giang', 'Hòa', 'Hùng', 'Khánh', 'Lan', 'Linh', 'Mai', 'Nam', 'Nga', 'Phúc', 'Quý', 'Sơn', 'Tâm', 'Thảo', 'Trang', 'Tú', 'Uyên', 'Vân', 'Xuân', 'Yến', 'Đào', 'Ánh', 'Bảo', 'Cúc', 'Diệp', 'Hạnh', 'Hiền', 'Huệ', 'Khôi', 'Loan', 'Lộc', 'Mơ', 'Nhung', 'Oanh', 'Phương', 'Thắm'];
/** A distinct Vietnamese name for the i-th member (4,000 of them). */
export const nameOf = (i: number) => `${FAMILY[i % 10]} ${MIDDLE[Math.floor(i / 10) % 10]} ${GIVEN[Math.floor(i / 100) % 40]}`;

/** The figures the acceptance names for Quỳ Châu in 2020. */
export const QUY_CHAU_2020 = {
  communes: 12, branches: 84, members: 3100, admittedIn2020: 1000, strong: 50, good: 30, average: 4, courses: 2, secretariesTrained: 80, introduced: 90, partyAdmitted: 55,
};

const created = (r: { status: number; body: unknown }, what: string) => {
  if (r.status !== 201) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as { id: string; position: number };
};

/** How many members, and of them admitted in 2020: the acceptance's 3,100 and 1,000, or fewer where each admission is slow. */
export type Membership = { members: number; admittedIn2020: number };

/** How many clients send at once (the secretaries' elections, the Party introductions): the register serves several offices together. */
const CLIENTS = 8;

/** Admissions per request: the members come in admission decisions (POST /admission-batches), as a commune admits them. */
const ADMISSIONS_PER_DECISION = 500;

/** The members over the 84 branches (3,100: 2,100 admitted in 2018, 1,000 in 2020), in admission decisions of 500 at most. */
export async function admitMembers(admin: Client, branches: Array<{ id: string }>, size: Membership = QUY_CHAU_2020) {
  const ids = Array.from({ length: size.members }, (_, i) => `qc-m${i}`);
  const applicants = ids.map((id, i) => ({ id, branchId: branches[i % branches.length].id, fullName: nameOf(i), dateOfBirth: '2000-05-19', gender: i % 2 ? 'female' : 'male', admittedOn: i < size.members - size.admittedIn2020 ? '2018-03-26' : '2020-03-26' }));
  const decisions: Array<typeof applicants> = [];
  for (const day of ['2018-03-26', '2020-03-26']) {
    const that = applicants.filter((a) => a.admittedOn === day);
    for (let i = 0; i < that.length; i += ADMISSIONS_PER_DECISION) decisions.push(that.slice(i, i + ADMISSIONS_PER_DECISION));
  }
  await inParallel(decisions, 2, async (members) => {
    const r = await admin.post('/admission-batches', { members, ...why('kết nạp đoàn viên', members[0].admittedOn) });
    const refused = (r.body as { items?: Array<{ status: number }> } | undefined)?.items?.filter((item) => item.status !== 201) ?? [];
    if (r.status !== 200 || refused.length > 0) throw new Error(`admissions of ${members[0].admittedOn}: ${r.status} ${JSON.stringify(refused.length ? refused.slice(0, 3) : r.body)}`);
  });
  return ids;
}

/** Each branch's first member becomes its secretary in 2019, from a recorded source (the sources in turn). */
export async function electSecretaries(admin: Client, branches: Array<{ id: string }>) {
  await inParallel(branches, CLIENTS, async (branch, b) => {
    const body = { memberId: `qc-m${b}`, role: 'secretary', method: 'elected', source: OFFICER_SOURCES[b % OFFICER_SOURCES.length], startsOn: '2019-09-01', ...why('đại hội chi đoàn', '2019-09-01') };
    created(await admin.post(`/branches/${branch.id}/officer-appointments`, body), `secretary of ${branch.id}`);
  });
  return branches.map((_, b) => `qc-m${b}`);
}

/** The sources of the 84 secretaries, as the summary should count them. */
export const expectedSources = (branches: number) =>
  Array.from({ length: branches }, (_, b) => OFFICER_SOURCES[b % OFFICER_SOURCES.length]).reduce<Record<string, number>>((n, s) => ({ ...n, [s]: (n[s] ?? 0) + 1 }), {});

/** Two courses of the district in 2020, attended and completed by 80 of the secretaries (40 each): trained means completed (api.md). */
export async function trainSecretaries(admin: Client, secretaries: string[]) {
  let position = 0;
  for (const c of [0, 1]) {
    const course = { id: `qc-course-${c + 1}`, organiserUnitId: 'qc', title: `Lớp bồi dưỡng bí thư chi đoàn khóa ${c + 1}`, kind: 'skills', topics: [{ title: 'Nghiệp vụ công tác Đoàn' }], startsOn: `2020-0${6 + c}-10`, endsOn: `2020-0${6 + c}-12`, ...why('kế hoạch tập huấn 2020', '2020-05-01') };
    created(await admin.post('/training-courses', course), course.id);
    const memberIds = secretaries.slice(c * 40, c * 40 + 40);
    created(await admin.post(`/training-courses/${course.id}/enrolments`, { memberIds, ...why('triệu tập học viên', `2020-0${6 + c}-01`) }), `enrolment ${c}`);
    const results = memberIds.map((memberId) => ({ memberId, outcome: 'completed' }));
    position = created(await admin.post(`/training-courses/${course.id}/completion`, { results, ...why('bế giảng lớp', course.endsOn) }), `completion ${c}`).position;
  }
  return position;
}

/** 90 members admitted in 2018 introduced to the Party in 2020, 55 of them admitted that year. */
export async function introduceToParty(admin: Client) {
  const introduced = Array.from({ length: QUY_CHAU_2020.introduced }, (_, k) => `qc-m${100 + k}`);
  let position = 0;
  await inParallel(introduced, CLIENTS, async (memberId, k) => {
    created(await admin.post(`/members/${memberId}/party-introductions`, why('giới thiệu đoàn viên ưu tú', '2020-04-15')), `introduction ${memberId}`);
    if (k < QUY_CHAU_2020.partyAdmitted) {
      const outcome = created(await admin.post(`/members/${memberId}/party-introduction-outcomes`, { outcome: 'admitted', ...why('quyết định kết nạp Đảng', '2020-11-20') }), `outcome ${memberId}`);
      position = Math.max(position, outcome.position);
    }
  });
  return position;
}

/** The whole year 2020 of Quỳ Châu through the API; answers the branches and the last position of each log. */
export async function buildQuyChau2020(setup: Setup, admin: Client, parent: string | null = null, size: Membership = QUY_CHAU_2020) {
  const branches = await seedQuyChau(admin, parent);
  await setup.sync();
  await admitMembers(admin, branches, size);
  const secretaries = await electSecretaries(admin, branches);
  await setup.sync();
  const rated = await rateTheYear(setup, branches);
  await trainSecretaries(admin, secretaries);
  await introduceToParty(admin);
  return { branches, rated };
}

/** The 2025 reform: the district abolished, its communes moved under the province, two communes merged. */
export async function reorganise2025(admin: Client) {
  const on = (reason: string) => why(reason, '2025-07-01');
  for (let c = 1; c <= QUY_CHAU_2020.communes; c++) created(await admin.post(`/units/qc-x${c}/moves`, { toParentId: 'na', ...on('sắp xếp đơn vị hành chính') }), `move qc-x${c}`);
  // The merged commune's hamlets keep their branches; those named like the other commune's take the commune's name too.
  for (let b = 1; b <= 7; b++) created(await admin.post(`/branches/qc-x2-b${b}/renames`, { name: `Chi đoàn bản Số ${b} Châu Hội`, area: { kind: 'village', name: `Bản Số ${b} Châu Hội` }, ...on('đổi tên trước hợp nhất') }), `rename qc-x2-b${b}`);
  const merger = await admin.post('/unit-mergers', { sourceUnitIds: ['qc-x2'], into: { unitId: 'qc-x1' }, ...on('hợp nhất xã') });
  if (merger.status >= 300) throw new Error(`merger: ${merger.status} ${JSON.stringify(merger.body)}`);
  const dissolved = await admin.post('/units/qc/dissolution', on('kết thúc hoạt động cấp huyện'));
  if (dissolved.status >= 300) throw new Error(`dissolution: ${dissolved.status} ${JSON.stringify(dissolved.body)}`);
}

/** What the summary answers for Quỳ Châu in 2020 (secretaries by source as seeded). */
export function expectedSummary2020(size: Membership = QUY_CHAU_2020) {
  const q = QUY_CHAU_2020;
  return {
    branches: { total: q.branches, residential: q.branches, withoutSecretary: 0, withoutMembers: 0 },
    members: { total: size.members, admittedInYear: size.admittedIn2020, away: 0 },
    secretaries: { total: q.branches, bySource: expectedSources(q.branches) },
    // api.md: flat { grade: n }; the per-scale detail beside it
    ratings: { branches: { strong: q.strong, good: q.good, average: q.average }, members: {} },
    ratingsByScale: { branches: { 'branch-classic': { strong: q.strong, good: q.good, average: q.average } }, members: {} },
    training: { courses: q.courses, participants: q.secretariesTrained, secretaries: q.branches, secretariesTrained: q.secretariesTrained, rate: Math.round((q.secretariesTrained / q.branches) * 10_000) / 10_000 },
    party: { introduced: q.introduced, admitted: q.partyAdmitted },
    commendations: 0,
  };
}

/** A summary asked at positions the reporting read model has not reached answers 503 "retry shortly": the caller retries. */
export async function summaryAt(admin: Awaited<ReturnType<Setup['as']>>, path: string) {
  for (let tries = 0; ; tries++) {
    const r = await admin.get(path);
    if (r.status !== 503 || tries === 40) return r;
  }
}
