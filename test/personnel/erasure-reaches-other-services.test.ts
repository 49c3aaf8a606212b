import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintToken } from '@register/auth';
import { EmbeddedSnapshots } from '@register/service-kit';
import { AuthService } from '../../services/gateway/src/security/auth.service';
import { EmbeddedRegister, openEmbedded } from '../scale/embedded-register';

jest.setTimeout(120_000);

const NAME = 'Vi Thị Riêng';
const OTHER = 'Lương Văn Khởi';
const why = (reason: string, effectiveDate = '2025-03-26') => ({ reason, effectiveDate });

/**
 * A member's erasure in personnel reaches evaluation and training: the free text of their ratings,
 * commendations and support visits (reason, decision, title, gift), and of their courses,
 * competitions and mentor assignments (reasons), where people write the member's name, reads
 * "[erased]" in those services' reads, audit events and exports; their logs are sealed at rest
 * under keys of their own, which the erasure shreds. Another member's text stays. Through the
 * embedded start with its relays, as a commune office runs it.
 */
describe("a member's erasure reaches evaluation's and training's free text (embedded start, relays on)", () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'erasure-evaluation-'));
  let register: EmbeddedRegister;
  let admin: Record<string, string>;
  let auditor: Record<string, string>;
  const post = async (path: string, body: object, key: string) => {
    const answer = await register.send('POST', path, body, { ...admin, 'idempotency-key': key });
    if (answer.status !== 201) throw new Error(`POST ${path}: ${answer.status} ${answer.raw}`);
    return answer.body as { position: number };
  };
  const read = async (path: string, headers = admin) => {
    const answer = await register.send('GET', path, undefined, headers);
    expect(answer.status === 200 ? 200 : answer.raw).toBe(200);
    return answer.raw;
  };
  /** Every evaluation answer that shows the member's records, raw. */
  const answers = async () => [
    await read('/ratings/member/m-1'),
    await read('/commendations?subjectId=m-1'),
    await read('/support-visits?memberId=m-1'),
    await read('/audit/events?service=evaluation&limit=500', auditor),
    await read('/audit/entities/rating/member.2024.m-1/history', auditor),
    await read('/audit/events?service=training&limit=500', auditor),
    await read('/audit/entities/course/k-1/history', auditor),
    // As stored: sealed before the erasure too.
    await read('/audit/exports?service=evaluation', auditor),
    await read('/audit/exports?service=training', auditor),
  ];

  beforeAll(async () => {
    register = await openEmbedded(dataDir, 'erasure-evaluation');
    admin = { authorization: await register.bearer('erasure-admin') };
    auditor = { authorization: `Bearer ${await mintToken(register.app.get(AuthService).localSecret!, { sub: 'erasure-auditor', roles: ['auditor'] })}` };
    await post('/units', { id: 'tw', kind: 'central', name: 'Trung ương Đoàn', ...why('khởi tạo', '2010-01-01') }, 'u-tw');
    await post('/units', { id: 'p', kind: 'province', name: 'Tỉnh đoàn Nghệ An', parentId: 'tw', ...why('khởi tạo', '2010-01-01') }, 'u-p');
    await post('/units', { id: 'c', kind: 'grassroots', name: 'Đoàn xã Tri Lễ', parentId: 'p', ...why('khởi tạo', '2010-01-01') }, 'u-c');
    await post('/branches', { id: 'b-1', parentUnitId: 'c', name: 'Chi đoàn bản Piềng', area: { kind: 'village', name: 'Piềng' }, ...why('thành lập', '2010-01-01') }, 'b-1');
    await register.settled();
    await post('/members', { id: 'm-1', branchId: 'b-1', fullName: NAME, dateOfBirth: '2002-11-17', gender: 'female', admittedOn: '2020-03-26', ...why('kết nạp', '2020-03-26') }, 'm-1');
    await post('/members', { id: 'm-2', branchId: 'b-1', fullName: OTHER, dateOfBirth: '2001-02-03', gender: 'male', admittedOn: '2020-03-26', ...why('kết nạp', '2020-03-26') }, 'm-2');
    await post('/branches/b-1/officer-appointments', { memberId: 'm-1', role: 'secretary', method: 'appointed', source: 'teacher', startsOn: '2025-02-01', ...why('bổ nhiệm', '2025-02-01') }, 'appoint');
    await register.settled();
    await post('/ratings', { subjectType: 'member', subjectId: 'm-1', year: 2024, scale: 'four-level', grade: 'excellent', stage: 'self-assessment', reason: `Đoàn viên ${NAME} hoàn thành xuất sắc`, decisionRef: { number: `QĐ khen ${NAME}`, issuedBy: 'BCH Đoàn xã', date: '2025-01-10' } }, 'r-1');
    await post('/ratings', { subjectType: 'member', subjectId: 'm-2', year: 2024, scale: 'four-level', grade: 'good', stage: 'self-assessment', reason: `Đoàn viên ${OTHER} hoàn thành tốt` }, 'r-2');
    await post('/ratings', { subjectType: 'branch', subjectId: 'b-1', year: 2024, scale: 'four-level', grade: 'good', stage: 'self-assessment', reason: 'Chi đoàn vững mạnh' }, 'r-b');
    await post('/commendations', { subjectType: 'officer', subjectId: 'm-1', year: 2025, occasion: 'founding-day', title: `Bí thư ${NAME} tiêu biểu`, issuedByUnitId: 'c', ...why(`Tuyên dương ${NAME}`) }, 'c-1');
    await post('/support-visits', { memberId: 'm-1', visitedOn: '2025-03-01', byUnitId: 'c', gift: `Quà cho gia đình ${NAME}`, reason: `Nhà ${NAME} bị lũ cuốn` }, 'v-1');
    await post('/training-courses', { id: 'k-1', organiserUnitId: 'c', title: 'Bồi dưỡng bí thư chi đoàn 2025', kind: 'skills', topics: [{ title: 'Kỹ năng' }], startsOn: '2025-04-10', endsOn: '2025-04-12', location: 'Hội trường xã', partner: null, ...why('mở lớp', '2025-04-01') }, 'k-1');
    await post('/training-courses/k-1/enrolments', { memberIds: ['m-1', 'm-2'], ...why(`Cử ${NAME} và ${OTHER} đi học`, '2025-04-01') }, 'k-1-enrol');
    await post('/training-courses/k-1/attendance', { on: '2025-04-10', presentMemberIds: ['m-1'], ...why(`Điểm danh ${NAME}`, '2025-04-10') }, 'k-1-present');
    await post('/training-courses', { id: 'k-2', organiserUnitId: 'c', title: 'Lớp khác', kind: 'skills', topics: [{ title: 'Hồ sơ' }], startsOn: '2025-05-10', endsOn: '2025-05-12', location: null, partner: null, ...why('mở lớp', '2025-05-01') }, 'k-2');
    await post('/training-courses/k-2/enrolments', { memberIds: ['m-2'], ...why(`Cử ${OTHER} đi học`, '2025-05-01') }, 'k-2-enrol');
    await post('/mentor-assignments', { branchId: 'b-1', mentorMemberId: 'm-1', startsOn: '2025-07-01', ...why(`Phân công ${NAME} phụ trách`, '2025-07-01') }, 'mentor');
    await register.settled();
  });

  afterAll(async () => {
    await register?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the text before the erasure, and none of it after; the other member\'s and the branch\'s stay; the log still verifies', async () => {
    const before = await answers();
    for (const text of before.slice(0, 7)) expect(text).toContain(NAME);
    // The embedded start's snapshot file holds the read models, the text included.
    const snapshots = register.app.get(EmbeddedSnapshots);
    expect(await snapshots.snapshot('test')).toBe(true);
    const inSnapshot = () => {
      const file = readFileSync(snapshots.path);
      return file.includes(Buffer.from(NAME, 'utf16le')) || file.includes(Buffer.from(NAME, 'utf8'));
    };
    expect(inSnapshot()).toBe(true);
    for (const text of before.slice(7)) expect(text).toContain('[sealed]');
    const erased = await post('/members/m-1/personal-data-erasure', { reason: 'xóa dữ liệu theo yêu cầu', decisionRef: { number: `QĐ xóa hồ sơ ${NAME}`, date: '2025-12-01' } }, 'erase');
    await register.settled();
    const after = await answers();
    for (const text of after) expect(text).not.toContain(NAME);

    const [own] = JSON.parse(after[0]).items as Array<{ history: Array<{ reason: string; decision: unknown }> }>;
    expect(own.history.map((h) => [h.reason, h.decision])).toEqual([['[erased]', { number: '[erased]', issuedBy: '[erased]', date: '2025-01-10' }]]);
    const [commendation] = JSON.parse(after[1]).items as Array<Record<string, unknown>>;
    expect([commendation.title, commendation.reason, commendation.occasion]).toEqual(['[erased]', '[erased]', 'founding-day']);
    const [visit] = JSON.parse(after[2]).items as Array<Record<string, unknown>>;
    expect([visit.gift, visit.reason, visit.visitedOn]).toEqual(['[erased]', '[erased]', '2025-03-01']);

    expect(await read(`/ratings/member/m-2?minPosition=${erased.position}`)).toContain(OTHER);
    expect(await read('/ratings/branch/b-1')).toContain('Chi đoàn vững mạnh');
    const audit = JSON.parse(after[3]) as { items: Array<{ type: string; actor: string; decision: unknown; data: { memberId?: string; ratingIds?: string[] } }> };
    // Personnel's decision is sealed under its key: the record carries none (not its "[sealed]" placeholder).
    expect(audit.items.filter((e) => e.type === 'MemberFreeTextErased').map((e) => [e.actor, e.data.memberId, e.data.ratingIds, e.decision ?? null])).toEqual([['evaluation.erasures', 'm-1', ['member.2024.m-1'], null]]);

    const training = JSON.parse(after[5]) as { items: Array<{ type: string; streamId: string; eventId: string; reason: string; data: { eventIds?: string[] } }> };
    // The enrolment and the attendance of k-1 name both members: their text goes with either; k-2's enrolment names the other alone.
    const shared = training.items.filter((e) => e.streamId === 'course-k-1' && ['ParticipantsEnrolled', 'AttendanceRecorded'].includes(e.type)).map((e) => e.eventId).sort();
    expect(training.items.filter((e) => e.type === 'MemberTrainingTextErased').map((e) => [...e.data.eventIds!].sort())).toEqual([shared]);
    expect(training.items.filter((e) => e.type === 'ParticipantsEnrolled').map((e) => [e.streamId, e.reason])).toEqual([['course-k-1', '[erased]'], ['course-k-2', `Cử ${OTHER} đi học`]]);
    expect(training.items.filter((e) => e.type === 'CourseScheduled').map((e) => e.reason)).toEqual(['mở lớp', 'mở lớp']);

    // Replaced a moment after the erasure, not at the next periodic snapshot.
    for (const deadline = Date.now() + 15_000; inSnapshot() && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 200));
    expect(inSnapshot()).toBe(false);

    const verified = await register.send('POST', '/audit/verifications', {}, auditor);
    expect([verified.status, (verified.body as { ok: boolean }).ok]).toEqual([200, true]);
  });

  it('writes what is recorded about the erased member afterwards as "[erased]", alone or with others, and a start from the same folder reads the same', async () => {
    await post('/commendations', { subjectType: 'officer', subjectId: 'm-1', year: 2025, occasion: 'other', title: `Khen ${NAME} lần hai`, issuedByUnitId: 'c', ...why(`Lại tuyên dương ${NAME}`) }, 'c-2');
    await post('/training-courses', { id: 'k-3', organiserUnitId: 'c', title: 'Lớp sau', kind: 'skills', topics: [{ title: 'Hồ sơ' }], startsOn: '2025-09-10', endsOn: '2025-09-12', location: null, partner: null, ...why('mở lớp', '2025-09-01') }, 'k-3');
    await post('/training-courses/k-3/enrolments', { memberIds: ['m-1', 'm-2'], ...why(`Cử ${NAME} và ${OTHER}`, '2025-09-01') }, 'k-3-enrol');
    await post('/training-courses/k-3/cancellation', { ...why(`${NAME} bận, hoãn lớp`, '2025-09-05') }, 'k-3-cancel');
    await post('/training-courses/k-2/cancellation', { ...why(`${OTHER} bận, hoãn lớp`, '2025-05-05') }, 'k-2-cancel');
    await register.close();
    register = await openEmbedded(dataDir, 'erasure-evaluation');
    await register.settled();
    for (const text of await answers()) expect(text).not.toContain(NAME);
    expect(await read('/ratings/member/m-2')).toContain(OTHER);
    // k-2's cancellation names the other member alone, under their key: it reads as written.
    expect(await read('/audit/entities/course/k-2/history', auditor)).toContain(`${OTHER} bận, hoãn lớp`);
  });

  it('removes, with snapshots turned off, the snapshot file an earlier start left, at the next erasure', async () => {
    const path = register.app.get(EmbeddedSnapshots).path;
    await register.close();
    process.env.REGISTER_EMBEDDED_SNAPSHOTS = 'off';
    try {
      register = await openEmbedded(dataDir, 'erasure-evaluation');
      expect(readFileSync(path).includes(Buffer.from(OTHER, 'utf16le'))).toBe(true);
      await post('/members/m-2/personal-data-erasure', { reason: 'xóa dữ liệu theo yêu cầu' }, 'erase-2');
      for (const deadline = Date.now() + 10_000; existsSync(path) && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 100));
      expect(existsSync(path)).toBe(false);
    } finally {
      delete process.env.REGISTER_EMBEDDED_SNAPSHOTS;
    }
  });
});
