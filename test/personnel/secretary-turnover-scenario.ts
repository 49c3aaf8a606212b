/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read freely in tests */

/** What the scenario needs of a setup: a central administrator's client through the gateway. */
export interface TurnoverSetup {
  post(path: string, body: unknown): Promise<{ status: number; body: any }>;
  get(path: string): Promise<{ status: number; body: any }>;
  /** Returns once personnel has learnt every event organisation has published so far. */
  sync(): Promise<void>;
  /** Makes the ids of this run unique. */
  prefix: string;
  /** An existing unit to hang the province under. */
  rootUnitId: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const plusDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const ok = async (r: Promise<{ status: number; body: any }>) => {
  const a = await r;
  if (a.status !== 201) throw new Error(`${a.status} ${JSON.stringify(a.body)}`);
  return a.body;
};
const why = (reason: string, effectiveDate: string) => ({ reason, effectiveDate });

/** 20 departures over 2018–2020 in this order of causes: 8 away for work, 5 away for study, 4 resigned, 3 at the end of the term. */
export const CAUSES = [...Array(8).fill('away-work'), ...Array(5).fill('away-study'), ...Array(4).fill('resigned'), ...Array(3).fill('term-ended')];

/**
 * Quỳ Châu district (established 2015) with two communes and 12 residential branches. Branch i's
 * first secretary (a teacher) starts on the first of month i+1 of 2016 and leaves on the 15th of
 * that month in 2018; the next (a demobilised soldier) starts 10+i days later. In branches 0–7 that
 * one leaves on the 10th of month i+1 of 2020 and a civil servant starts 20+3i days later. In 2025
 * the second commune moves to another district: the report on 2018–2020 keeps it.
 */
export async function turnoverYears(s: TurnoverSetup) {
  const p = s.prefix;
  const district = `${p}qc`;
  const communes = [`${p}xa1`, `${p}xa2`];
  for (const u of [
    { id: `${p}na`, kind: 'province', name: 'Tỉnh đoàn Nghệ An', parentId: s.rootUnitId },
    { id: district, kind: 'district', name: 'Huyện đoàn Quỳ Châu', parentId: `${p}na` },
    { id: `${p}qh`, kind: 'district', name: 'Huyện đoàn Quỳ Hợp', parentId: `${p}na` },
    { id: communes[0], kind: 'grassroots', name: 'Đoàn xã Châu Hạnh', parentId: district },
    { id: communes[1], kind: 'grassroots', name: 'Đoàn xã Châu Phong', parentId: district },
  ])
    await ok(s.post('/units', { ...u, ...why('khởi tạo', '2015-01-01') }));
  const branches = Array.from({ length: 12 }, (_, i) => `${p}b${pad(i)}`);
  for (const [i, id] of branches.entries()) {
    await ok(s.post('/branches', { id, parentUnitId: communes[i % 2], name: `Chi đoàn bản ${'ABCDEFGHIJKL'[i]}`, area: { kind: 'village', name: `Bản ${'ABCDEFGHIJKL'[i]}` }, ...why('khởi tạo', '2015-01-01') }));
  }
  await s.sync();
  let position = 0;
  const secretary = async (branchId: string, memberId: string, source: string, startsOn: string) => {
    await ok(s.post('/members', { id: memberId, branchId, fullName: `Lô Văn ${memberId.slice(p.length)}`, dateOfBirth: '1995-03-01', gender: 'male', admittedOn: '2015-06-01', ...why('kết nạp', '2015-06-01') }));
    position = (await ok(s.post(`/branches/${branchId}/officer-appointments`, { memberId, role: 'secretary', method: 'elected', source, startsOn, ...why('bầu', startsOn) }))).position;
  };
  let departed = 0;
  const leaves = async (branchId: string, memberId: string, endsOn: string) => {
    position = (await ok(s.post(`/branches/${branchId}/officer-departures`, { memberId, endsOn, cause: CAUSES[departed++], ...why('thôi giữ chức bí thư', endsOn) }))).position;
  };
  for (const [i, b] of branches.entries()) {
    const month = pad(i + 1);
    await secretary(b, `${b}-s0`, 'teacher', `2016-${month}-01`);
    await leaves(b, `${b}-s0`, `2018-${month}-15`);
    await secretary(b, `${b}-s1`, 'demobilised-soldier', plusDays(`2018-${month}-15`, 10 + i));
  }
  for (const [i, b] of branches.slice(0, 8).entries()) {
    const month = pad(i + 1);
    await leaves(b, `${b}-s1`, `2020-${month}-10`);
    await secretary(b, `${b}-s2`, 'civil-servant', plusDays(`2020-${month}-10`, 20 + 3 * i));
  }
  await ok(s.post(`/units/${communes[1]}/moves`, { toParentId: `${p}qh`, ...why('điều chỉnh địa giới', '2025-03-01') }));
  await s.sync();
  return { district, branches, position };
}

/** What the report answers for Quỳ Châu over 2018–2020 (days, as the scenario's dates give them). */
export const EXPECTED = {
  branches: 12,
  departures: { total: 20, byCause: { 'away-work': 8, 'away-study': 5, resigned: 4, relieved: 0, 'term-ended': 3, 'came-of-age': 0, 'moved-up': 0, merger: 0, split: 0, dissolution: 0, unknown: 0 } },
  // first secretaries: 745 days (January, February: 2016 is a leap year) or 744; second ones: 709 to 715
  tenure: { secretaries: 20, averageDays: 731.4, medianDays: 744 },
  // gaps of 10..21 days after the first departures, 20, 23, …, 41 after the second
  vacancies: { total: 20, ended: 20, open: 0, averageDays: 21.5, medianDays: 19.5 },
  vacancyDays: [...Array.from({ length: 12 }, (_, i) => 10 + i), ...Array.from({ length: 8 }, (_, i) => 20 + 3 * i)].sort((a, b) => a - b),
  changedMoreThanOnce: { branches: 8, of: 12, share: 0.6667 },
  // 32 posts in the period; the longest quarter ends at 744 days, 15 posts with the ties
  longestServing: { secretaries: 15, of: 32, bySource: { teacher: 12, 'demobilised-soldier': 3, 'civil-servant': 0 } },
};
