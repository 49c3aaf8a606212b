import { setTimeout as sleep } from 'node:timers/promises';
import { RegisterClient, Reply } from './client';

/** Who sends the workload: two central administrators (a rating change is approved by someone other than its proposer). */
export interface Callers {
  admin: string;
  second: string;
}

export interface WorkloadLimits {
  /** Commands at most (the seed counted). */
  commands: number;
  /** Milliseconds at most. */
  durationMs: number;
  /** Commands in flight at once. */
  concurrency: number;
  /** Pause between one worker's steps, in ms (25 by default). */
  paceMs?: number;
}

const today = () => new Date().toISOString().slice(0, 10);
const why = (reason: string) => ({ reason });
const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(Math.random() * items.length)];
const ok = (r: Reply) => r.status >= 200 && r.status < 300;

/** Communes of the seeded tree; the last one is merged into the one before it during the run. */
const COMMUNES = ['c-1', 'c-2', 'c-3', 'c-4'];
const SEEDED_ON = '2024-01-02';

/**
 * A steady mixed workload through the gateway: admissions, transfers, officer appointments, new
 * branches, branch mergers, one unit merger, courses with enrolments and completion, ratings and
 * rating changes with four eyes. What it believes of the register (branches, members) follows the
 * acknowledged answers only; a refusal (409/422: a post taken, a member not yet known to training)
 * is an answer like any other.
 */
export class Workload {
  readonly branches = new Map<string, { unit: string; alive: boolean }>();
  readonly members = new Map<string, string>();
  readonly mergers: Array<{ sources: string[]; into: string; key: string }> = [];
  readonly ratings: string[] = [];
  private counter = 0;
  private sent = 0;
  private unitMerged = false;
  private stopped = false;

  constructor(
    private readonly client: RegisterClient,
    private readonly callers: Callers,
  ) {}

  /** The tree: central committee, a province, a district, four communes with two branches each. */
  async seed(): Promise<void> {
    const units = [
      { id: 'tw', kind: 'central', name: 'Trung ương Đoàn' },
      { id: 'p-1', kind: 'province', name: 'Tỉnh đoàn Nghệ An', parentId: 'tw' },
      { id: 'd-1', kind: 'district', name: 'Huyện đoàn Quế Phong', parentId: 'p-1' },
      ...COMMUNES.map((id, i) => ({ id, kind: 'grassroots', name: `Đoàn xã số ${i + 1}`, parentId: 'd-1' })),
    ];
    // Established in 2024, so that their 2025 ratings have a subject that existed then.
    for (const u of units) await this.must('seed-unit', '/units', { ...u, ...why('khởi tạo'), effectiveDate: SEEDED_ON });
    for (const unit of COMMUNES) for (let i = 0; i < 2; i++) await this.newBranch(unit, true);
  }

  /** Runs until `limits.commands` were sent or `limits.durationMs` passed, whichever comes first. */
  async run(limits: WorkloadLimits): Promise<void> {
    const deadline = Date.now() + limits.durationMs;
    const worker = async () => {
      while (!this.stopped && this.sent < limits.commands && Date.now() < deadline) {
        await this.step();
        // A steady pace, and a turn of the event loop for the faults between steps that sent nothing.
        await sleep(limits.paceMs ?? 25);
      }
    };
    await Promise.all(Array.from({ length: limits.concurrency }, worker));
  }

  /** Ends the run after the commands in flight. */
  stop(): void {
    this.stopped = true;
  }

  private async step(): Promise<void> {
    const roll = Math.random();
    if (roll < 0.3) return this.admit();
    if (roll < 0.42) return this.transfer();
    if (roll < 0.5) return this.appoint();
    if (roll < 0.55) return void (await this.newBranch(pick(this.liveUnits()) ?? 'c-1'));
    if (roll < 0.6) return this.branchMerger();
    if (roll < 0.62 && !this.unitMerged) return this.unitMerger();
    if (roll < 0.75) return this.course();
    if (roll < 0.9) return this.rate();
    return this.changeRating();
  }

  private id(prefix: string): string {
    return `${prefix}-${++this.counter}`;
  }

  private post(op: string, path: string, body: unknown, as: keyof Callers = 'admin'): Promise<Reply> {
    this.sent++;
    return this.client.post(op, path, body, this.callers[as]);
  }

  private async must(op: string, path: string, body: unknown): Promise<Reply> {
    const r = await this.post(op, path, body);
    if (!ok(r)) throw new Error(`${op} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r;
  }

  private liveBranches(): string[] {
    return [...this.branches].filter(([, b]) => b.alive).map(([id]) => id);
  }

  private liveUnits(): string[] {
    return COMMUNES.filter((u) => !(this.unitMerged && u === 'c-4'));
  }

  private async newBranch(unit: string, seeding = false): Promise<void> {
    const id = this.id('b');
    const body = { id, parentUnitId: unit, name: `Chi đoàn thôn ${id}`, area: { kind: 'village', name: `Thôn ${id}` }, ...why('thành lập chi đoàn'), ...(seeding ? { effectiveDate: SEEDED_ON } : {}) };
    const r = seeding ? await this.must('seed-branch', '/branches', body) : await this.post('branch', '/branches', body);
    if (ok(r)) this.branches.set(id, { unit, alive: true });
  }

  private async admit(): Promise<void> {
    const branchId = pick(this.liveBranches());
    if (!branchId) return;
    const id = this.id('m');
    const r = await this.post('admission', '/members', { id, branchId, fullName: `Đoàn viên ${id}`, dateOfBirth: '2001-05-01', gender: this.counter % 2 ? 'male' : 'female', admittedOn: today(), ...why('kết nạp') });
    if (ok(r)) this.members.set(id, branchId);
  }

  private async transfer(): Promise<void> {
    const member = pick([...this.members.keys()]);
    const toBranchId = pick(this.liveBranches());
    if (!member || !toBranchId || this.members.get(member) === toBranchId) return;
    const r = await this.post('transfer', `/members/${member}/transfers`, { toBranchId, duesSettledUpTo: today(), ...why('chuyển sinh hoạt') });
    if (ok(r)) this.members.set(member, toBranchId);
  }

  private async appoint(): Promise<void> {
    const [memberId, branchId] = pick([...this.members]) ?? [];
    if (!memberId || !branchId) return;
    const role = Math.random() < 0.5 ? 'secretary' : 'deputy-secretary';
    await this.post('appointment', `/branches/${branchId}/officer-appointments`, { memberId, role, method: 'elected', source: 'teacher', startsOn: today(), ...why('bầu cử') });
  }

  /** Two live branches of one commune into the first; its members move with it (personnel's reaction). */
  private async branchMerger(): Promise<void> {
    const unit = pick(this.liveUnits())!;
    const live = this.liveBranches().filter((b) => this.branches.get(b)!.unit === unit);
    if (live.length < 3) return;
    const [into, source] = live;
    const r = await this.post('branch-merger', '/branch-mergers', { sourceBranchIds: [source], into: { branchId: into }, ...why('sáp nhập thôn') });
    if (!ok(r)) return;
    this.branches.get(source)!.alive = false;
    for (const [m, b] of this.members) if (b === source) this.members.set(m, into);
    this.mergers.push({ sources: [source], into, key: this.client.acknowledged.at(-1)!.key });
  }

  /** Commune c-4 into c-3, once: its branches move under c-3. */
  private async unitMerger(): Promise<void> {
    this.unitMerged = true;
    const r = await this.post('unit-merger', '/unit-mergers', { sourceUnitIds: ['c-4'], into: { unitId: 'c-3' }, ...why('sáp nhập xã') });
    if (!ok(r)) return void (this.unitMerged = false);
    for (const b of this.branches.values()) if (b.unit === 'c-4') b.unit = 'c-3';
  }

  /** A one-day course: created, a few members enrolled, then closed with their results. */
  private async course(): Promise<void> {
    const id = this.id('k');
    const created = await this.post('course', '/training-courses', { id, organiserUnitId: 'd-1', title: `Lớp bồi dưỡng ${id}`, kind: 'skills', topics: [{ title: 'Nghiệp vụ công tác Đoàn' }], startsOn: today(), endsOn: today(), ...why('mở lớp') });
    const memberIds = [...new Set([pick([...this.members.keys()]), pick([...this.members.keys()])])].filter((m): m is string => !!m);
    if (!ok(created) || memberIds.length === 0) return;
    const enrolled = await this.post('enrolment', `/training-courses/${id}/enrolments`, { memberIds, ...why('đăng ký học viên') });
    if (!ok(enrolled)) return;
    await this.post('completion', `/training-courses/${id}/completion`, { results: memberIds.map((memberId) => ({ memberId, outcome: 'completed' })), ...why('bế giảng') });
  }

  /** A branch's self-assessment then decided rating for 2025 (one decision a branch: a second is 409). */
  private async rate(): Promise<void> {
    const subjectId = pick(this.liveBranches());
    if (!subjectId) return;
    const grade = pick(['excellent', 'good', 'completed'])!;
    const rating = { subjectType: 'branch', subjectId, year: 2025, scale: 'four-level', grade };
    const own = await this.post('self-assessment', '/ratings', { ...rating, stage: 'self-assessment', ...why('tự đánh giá') });
    if (!ok(own)) return;
    const r = await this.post('rating', '/ratings', { ...rating, stage: 'decision', ...why('xếp loại cuối năm') });
    if (ok(r) && typeof r.body.id === 'string') this.ratings.push(r.body.id);
  }

  /** A change of a decided rating proposed by one administrator and approved by the other. */
  private async changeRating(): Promise<void> {
    const ratingId = pick(this.ratings);
    if (!ratingId) return;
    const proposal = await this.post('rating-change', '/rating-changes', { ratingId, grade: 'excellent', ...why('khiếu nại được chấp nhận') });
    if (!ok(proposal) || typeof proposal.body.id !== 'string') return;
    await this.post('rating-change-approval', `/rating-changes/${proposal.body.id}/approval`, why('đồng ý'), 'second');
  }
}
