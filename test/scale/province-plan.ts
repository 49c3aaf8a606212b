/**
 * A realistic province, as the commands a district office would send over five years (2021–2025),
 * deterministic from a seed. The plan is pure: it yields groups of HTTP commands; the commands of a
 * group do not depend on each other (they may be sent at once), a group depends on the groups before.
 * Every command has a step number, so `scale-<seed>-<step>` is its Idempotency-Key and a resumed run
 * can skip what a previous run finished.
 *
 * Shape at factor 1 (../shared/domain.md): ~100 communes of 30 residential branches, ~70 members
 * admitted per branch over the years (~210,000), members rated yearly from 2023 → ~1.5 M commands.
 * A factor scales the number of communes; a commune keeps its shape, so 10% of the plan is ~10% of
 * the province with its full history (the plan runs commune after commune).
 */
import { OFFICER_SOURCES } from '@register/contracts';

export interface Command {
  step: number;
  method: 'POST';
  path: string;
  body: Record<string, unknown>;
  /** Who sends it: the second actor approves what the first proposed (four eyes). */
  actor?: 'second';
  /** A command that needs the answer of this one (a rating change's approval needs the change's id). */
  then?: (answer: { id?: string }) => Omit<Command, 'step' | 'then'>;
}

export interface PlanOptions {
  seed: number;
  /** 1 = ~100 communes; at least 2 communes, so that the commune merger has two sources. */
  factor: number;
  /**
   * Items per batch: a commune's yearly admissions as POST /admission-batches (one admission
   * decision per batch, at most 500), its members' status changes as POST /status-change-batches
   * and its ratings as POST /rating-batches (at most 1,000 each), this many at most; absent, each
   * is a command of its own (each admission with a decision number of its own). The same seed gives the same members and ratings either way; the
   * commands, and so their steps, differ.
   */
  batch?: number;
}

export const YEARS = [2021, 2022, 2023, 2024, 2025] as const;
const BRANCHES_PER_COMMUNE = 30;
const FIRST_MEMBERS = 55;
const YEARLY_ADMISSIONS = 4;

export function communesOf(factor: number): number {
  return Math.max(2, Math.round(100 * factor));
}

/** mulberry32: a small, well-known seeded generator (deterministic across runs and machines). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const why = (reason: string, effectiveDate: string, decision?: string) => ({ reason, effectiveDate, ...(decision ? { decisionRef: { number: decision } } : {}) });

/** A member's change of status as the plan makes it: the single command's reason, the batch's item. */
interface StatusChange {
  memberId: string;
  status: 'came-of-age' | 'away-work' | 'active';
  reason: string;
  effectiveDate: string;
}

interface Member {
  id: string;
  branch: number;
  born: number;
  state: 'active' | 'away' | 'gone';
}

/** One commune's five years, as groups of commands without step numbers yet. */
class Commune {
  readonly id: string;
  private readonly members: Member[] = [];
  private readonly secretaries = new Map<number, Member>();
  private next = 0;

  constructor(
    readonly index: number,
    private readonly rnd: () => number,
    private readonly batch?: number,
  ) {
    this.id = `c-${index}`;
  }

  branchId(k: number): string {
    return `b-${this.index}-${k}`;
  }

  *groups(): Generator<Omit<Command, 'step'>[]> {
    yield [post('/units', { id: this.id, kind: 'grassroots', name: `Đoàn xã số ${this.index + 1}`, parentId: 'p', ...why('thành lập', '2020-12-01') })];
    yield range(BRANCHES_PER_COMMUNE).map((k) =>
      post('/branches', { id: this.branchId(k), parentUnitId: this.id, name: `Chi đoàn thôn ${k + 1} xã ${this.index + 1}`, area: { kind: 'hamlet', name: `Thôn ${k + 1}` }, ...why('thành lập', '2020-12-01') }),
    );
    for (const year of YEARS) yield* this.year(year);
    yield* this.hamletMergers();
  }

  private *year(year: number): Generator<Omit<Command, 'step'>[]> {
    yield this.admissions(year, year === YEARS[0] ? FIRST_MEMBERS : YEARLY_ADMISSIONS);
    if (year !== YEARS[0]) yield this.departures(year);
    yield this.appointments(year);
    yield this.movements(year);
    yield this.returns(year);
    yield* this.course(year);
    yield this.ratings(range(BRANCHES_PER_COMMUNE).map((k) => this.rating('branch', this.branchId(k), year, 'self-assessment')), year);
    // Members are rated from 2023, when the four-level scale made the yearly rating of every member the rule.
    const members = year >= 2023 ? this.rated() : [];
    yield this.ratings(members.map((m) => this.rating('member', m.id, year, 'self-assessment')), year);
    yield this.ratings([...range(BRANCHES_PER_COMMUNE).map((k) => this.rating('branch', this.branchId(k), year, 'decision')), ...members.map((m) => this.rating('member', m.id, year, 'decision'))], year);
    if (year === 2024) yield [this.ratingChange(year)];
  }

  private admissions(year: number, perBranch: number): Omit<Command, 'step'>[] {
    const applicants = range(BRANCHES_PER_COMMUNE).flatMap((k) =>
      range(perBranch).map(() => {
        const m: Member = { id: `m-${this.index}-${this.next++}`, branch: k, born: year - 17 - Math.floor(this.rnd() * 12), state: 'active' };
        this.members.push(m);
        const gender = this.rnd() < 0.5 ? 'female' : 'male';
        return { applicant: { id: m.id, branchId: this.branchId(k), fullName: `Đoàn Viên ${m.id}`, dateOfBirth: `${m.born}-06-15`, gender, admittedOn: `${year}-03-26` }, decision: `${this.next}/QĐ-ĐTN` };
      }),
    );
    if (!this.batch) return applicants.map(({ applicant, decision }) => post('/members', { ...applicant, ...why('kết nạp', `${year}-03-26`, decision) }));
    return chunks(applicants, Math.min(this.batch, 500)).map((chunk, b) => post('/admission-batches', { members: chunk.map((a) => a.applicant), ...why('kết nạp', `${year}-03-26`, `${year}-${this.index}-${b + 1}/QĐ-KN`) }));
  }

  /** About 15% of secretaries leave each year (term ended, away, resigned). */
  private departures(year: number): Omit<Command, 'step'>[] {
    const leaving = [...this.secretaries].filter(() => this.rnd() < 0.15);
    return leaving.map(([k, m]) => {
      this.secretaries.delete(k);
      return post(`/branches/${this.branchId(k)}/officer-departures`, { memberId: m.id, endsOn: `${year}-03-31`, cause: 'term-ended', ...why('hết nhiệm kỳ', `${year}-03-31`) });
    });
  }

  private appointments(year: number): Omit<Command, 'step'>[] {
    return range(BRANCHES_PER_COMMUNE).flatMap((k) => {
      if (this.secretaries.has(k)) return [];
      const m = this.members.find((x) => x.branch === k && x.state === 'active' && x.born + 30 > year + 5 && ![...this.secretaries.values()].includes(x));
      if (!m) return [];
      this.secretaries.set(k, m);
      const source = OFFICER_SOURCES[Math.floor(this.rnd() * OFFICER_SOURCES.length)];
      return [post(`/branches/${this.branchId(k)}/officer-appointments`, { memberId: m.id, role: 'secretary', method: year === YEARS[0] ? 'elected' : 'appointed', source, startsOn: `${year}-04-01`, ...why(year === YEARS[0] ? 'đại hội chi đoàn' : 'cấp trên chỉ định', `${year}-04-01`) })];
    });
  }

  private isOfficer(m: Member): boolean {
    return [...this.secretaries.values()].includes(m);
  }

  /** Transfers, members going away, coming of age and Party introductions. */
  private movements(year: number): Omit<Command, 'step'>[] {
    const out: Omit<Command, 'step'>[] = [];
    const changes: StatusChange[] = [];
    // One at a time, a change keeps its place among the transfers (the plan without batches is as it was).
    const change = (c: StatusChange) => (this.batch ? changes.push(c) : out.push(...this.statusChanges([c], year)));
    for (const m of this.members) {
      if (m.state === 'gone' || this.isOfficer(m)) continue;
      if (m.born + 30 === year) {
        m.state = 'gone';
        change({ memberId: m.id, status: 'came-of-age', reason: 'trưởng thành đoàn', effectiveDate: `${year}-10-15` });
        continue;
      }
      const r = this.rnd();
      if (m.state === 'active' && r < 0.02) {
        m.branch = (m.branch + 1) % BRANCHES_PER_COMMUNE;
        out.push(post(`/members/${m.id}/transfers`, { toBranchId: this.branchId(m.branch), duesSettledUpTo: `${year}-05-31`, ...why('chuyển nơi cư trú', `${year}-05-15`) }));
      } else if (m.state === 'active' && r < 0.06) {
        m.state = 'away';
        change({ memberId: m.id, status: 'away-work', reason: 'đi làm ăn xa', effectiveDate: `${year}-06-01` });
      } else if (m.state === 'active' && r < 0.07) {
        out.push(post(`/members/${m.id}/party-introductions`, why('đoàn viên ưu tú', `${year}-07-01`)));
      }
    }
    return [...out, ...this.statusChanges(changes, year)];
  }

  /** Half of those away come back in the autumn. */
  private returns(year: number): Omit<Command, 'step'>[] {
    const back = this.members.filter((m) => m.state === 'away' && this.rnd() < 0.5);
    for (const m of back) m.state = 'active';
    return this.statusChanges(back.map((m) => ({ memberId: m.id, status: 'active', reason: 'trở về địa phương', effectiveDate: `${year}-10-01` })), year);
  }

  /** Status changes: one POST /members/{id}/status-changes each, or the year's review as POST /status-change-batches of `batch` at most. */
  private statusChanges(changes: StatusChange[], year: number): Omit<Command, 'step'>[] {
    if (!this.batch) return changes.map(({ memberId, status, reason, effectiveDate }) => post(`/members/${memberId}/status-changes`, { status, ...why(reason, effectiveDate) }));
    return chunks(changes, Math.min(this.batch, 1000)).map((chunk) =>
      post('/status-change-batches', { changes: chunk.map(({ memberId, status, effectiveDate }) => ({ memberId, status, effectiveDate })), ...why('rà soát đoàn viên', `${year}-12-01`) }),
    );
  }

  /** The commune's yearly course for its secretaries: scheduled, enrolled, one day's attendance, completed. */
  private *course(year: number): Generator<Omit<Command, 'step'>[]> {
    const id = `course-${this.index}-${year}`;
    const secretaries = [...this.secretaries.values()].map((m) => m.id);
    yield [post('/training-courses', { id, organiserUnitId: this.id, title: `Bồi dưỡng bí thư chi đoàn ${year}`, kind: 'skills', topics: [{ title: 'Kỹ năng sinh hoạt chi đoàn' }], startsOn: `${year}-05-10`, endsOn: `${year}-05-12`, ...why('kế hoạch năm', `${year}-05-01`) })];
    if (secretaries.length === 0) return;
    yield [post(`/training-courses/${id}/enrolments`, { memberIds: secretaries, ...why('triệu tập', `${year}-05-05`) })];
    yield [post(`/training-courses/${id}/attendance`, { on: `${year}-05-10`, presentMemberIds: secretaries, ...why('điểm danh', `${year}-05-10`) })];
    const results = secretaries.map((memberId) => ({ memberId, outcome: this.rnd() < 0.9 ? 'completed' : 'not-completed' }));
    yield [post(`/training-courses/${id}/completion`, { results, ...why('bế giảng', `${year}-05-12`) })];
  }

  private rated(): Member[] {
    return this.members.filter((m) => m.state !== 'gone');
  }

  private rating(subjectType: 'branch' | 'member', subjectId: string, year: number, stage: string): Record<string, unknown> {
    const classic = year < 2023;
    const scale = classic ? `${subjectType}-classic` : 'four-level';
    const grades = classic ? (subjectType === 'branch' ? ['strong', 'good', 'average', 'weak'] : ['excellent', 'good', 'average', 'weak']) : ['excellent', 'good', 'completed', 'not-completed'];
    const grade = grades[Math.min(3, Math.floor(this.rnd() * this.rnd() * 4))];
    return { subjectType, subjectId, year, scale, grade, stage };
  }

  /** A group of ratings: one POST /ratings each, or POST /rating-batches of `batch` at most. */
  private ratings(ratings: Record<string, unknown>[], year: number): Omit<Command, 'step'>[] {
    const reasons = why('tổng kết năm', `${year}-12-20`, `${year}/QĐ-XL`);
    if (!this.batch) return ratings.map((r) => post('/ratings', { ...r, ...reasons }));
    return chunks(ratings, Math.min(this.batch, 1000)).map((chunk) => post('/rating-batches', { ratings: chunk, ...reasons }));
  }

  /** One decided branch rating changed after a complaint: proposed, then approved by a second person. */
  private ratingChange(year: number): Omit<Command, 'step'> {
    const ratingId = `branch.${year}.${this.branchId(0)}`;
    return {
      ...post('/rating-changes', { ratingId, grade: 'excellent', ...why('khiếu nại được chấp nhận', `${year + 1}-02-01`) }),
      then: (answer) => ({ ...post(`/rating-changes/${answer.id}/approval`, why('đồng ý', `${year + 1}-02-10`)), actor: 'second' }),
    };
  }

  /** Hamlets merge at the end of 2025: branch 0 into 1, branch 2 into 3. */
  private *hamletMergers(): Generator<Omit<Command, 'step'>[]> {
    yield [0, 2].map((k) => post('/branch-mergers', { sourceBranchIds: [this.branchId(k)], into: { branchId: this.branchId(k + 1) }, ...why('sáp nhập thôn', '2025-12-31', `${k}/QĐ-SN`) }));
  }
}

function post(path: string, body: Record<string, unknown>): Omit<Command, 'step'> {
  return { method: 'POST', path, body };
}

function chunks<T>(items: T[], size: number): T[][] {
  return range(Math.ceil(items.length / size)).map((b) => items.slice(b * size, (b + 1) * size));
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Every group of the province, numbered; the same seed and factor give the same commands. */
export function* provincePlan(options: PlanOptions): Generator<Command[]> {
  let step = 0;
  const numbered = (group: Omit<Command, 'step'>[]) => group.map((c) => ({ ...c, step: step++ }));
  yield numbered([
    post('/units', { id: 'tw', kind: 'central', name: 'Trung ương Đoàn', ...why('khởi tạo', '2020-12-01') }),
  ]);
  yield numbered([post('/units', { id: 'p', kind: 'province', name: 'Tỉnh đoàn mẫu', parentId: 'tw', ...why('khởi tạo', '2020-12-01') })]);
  const communes = communesOf(options.factor);
  for (let i = 0; i < communes; i++) {
    for (const group of new Commune(i, random(options.seed * 1_000_003 + i), options.batch).groups()) if (group.length > 0) yield numbered(group);
  }
  // The one commune merger: the first commune joins the second (2025 reform).
  yield numbered([post('/unit-mergers', { sourceUnitIds: ['c-0'], into: { unitId: 'c-1' }, ...why('sáp nhập xã', '2025-12-31', '1/QĐ-SNX') })]);
}
