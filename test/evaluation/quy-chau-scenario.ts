import { MintOptions } from '@register/auth';
import { why } from '../gateway/gateway-app';

/** What the scenario needs of a setup: a caller's client (embedded inject or real HTTP), the logs' heads, the replica's feed. */
export interface Client {
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any -- answers read freely
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any -- answers read freely
}
export interface Setup {
  as(options: MintOptions): Promise<Client>;
  heads(): Promise<string>;
  sync(): Promise<void>;
}

const COMMUNES = 12;
const BRANCHES_PER_COMMUNE = 7;
export const gradeOf = (i: number) => (i < 50 ? 'strong' : i < 80 ? 'good' : 'average');
export const counts = (items: Array<{ grade: string }>) => items.reduce<Record<string, number>>((n, r) => ({ ...n, [r.grade]: (n[r.grade] ?? 0) + 1 }), {});

const created = (r: { status: number; body: unknown }, what: string) => {
  if (r.status !== 201) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as { id: string; position: number };
};

/** Quỳ Châu: the district, its 12 communes and towns, 84 residential branches (7 a commune), all established in 2015. */
export async function seedQuyChau(admin: Client, parent: string | null = null) {
  const since = why('khởi tạo', '2015-01-01');
  const units = [
    ...(parent ? [] : [{ id: 'tw', kind: 'central', name: 'Trung ương Đoàn' }, { id: 'na', kind: 'province', name: 'Tỉnh đoàn Nghệ An', parentId: 'tw' }]),
    { id: 'qc', kind: 'district', name: 'Huyện đoàn Quỳ Châu', parentId: parent ?? 'na' },
    ...Array.from({ length: COMMUNES }, (_, c) => ({ id: `qc-x${c + 1}`, kind: 'grassroots', name: `Đoàn xã Châu số ${c + 1}`, parentId: 'qc' })),
  ];
  for (const u of units) created(await admin.post('/units', { ...u, ...since }), u.id);
  const branches: Array<{ id: string; commune: string }> = [];
  for (let c = 1; c <= COMMUNES; c++) {
    for (let b = 1; b <= BRANCHES_PER_COMMUNE; b++) {
      const id = `qc-x${c}-b${b}`;
      created(await admin.post('/branches', { id, parentUnitId: `qc-x${c}`, name: `Chi đoàn bản Số ${b}`, area: { kind: 'village', name: `Bản Số ${b}` }, ...since }), id);
      branches.push({ id, commune: `qc-x${c}` });
    }
  }
  return branches;
}

const rating = (subjectId: string, stage: string, grade: string, over: Record<string, unknown> = {}) => ({
  subjectType: 'branch', subjectId, year: 2020, scale: 'branch-classic', grade, stage, reason: stage === 'decision' ? 'Hội nghị tổng kết năm 2020' : 'Chi đoàn tự đánh giá', ...over,
});

/** Each branch's secretary assesses it; each commune's officer decides: 50 strong, 30 good, 4 average. Answers the last position. */
export async function rateTheYear(setup: Setup, branches: Array<{ id: string; commune: string }>) {
  for (const [i, b] of branches.entries()) {
    const secretary = await setup.as({ sub: `bt-${b.id}`, roles: ['branch-secretary'], scopeBranchId: b.id });
    created(await secretary.post('/ratings', rating(b.id, 'self-assessment', i % 2 ? 'strong' : 'good')), `self-assessment of ${b.id}`);
  }
  let position = 0;
  for (const [i, b] of branches.entries()) {
    const commune = await setup.as({ sub: `xa-${b.commune}`, roles: ['unit-officer'], scopeUnitId: b.commune });
    position = created(await commune.post('/ratings', rating(b.id, 'decision', gradeOf(i), { decisionRef: { number: `12/QĐ-${b.commune}`, date: '2021-01-15' } })), `decision on ${b.id}`).position;
  }
  return position;
}

/** The district's decisions in 2020, counted by grade (one page of 500). */
export async function decisionCounts(client: Client, extra = '') {
  const r = await client.get(`/ratings?unitId=qc&year=2020&subjectType=branch&stage=decision&limit=500${extra}`);
  if (r.status !== 200) throw new Error(`list: ${r.status} ${JSON.stringify(r.body)}`);
  return counts(r.body.items);
}

/**
 * After the decisions: one change approved by another officer, one rejected, one approval by its
 * proposer refused (422 four-eyes, nothing appended). Answers the instant before the changes,
 * the changed rating, the last position and what the refused approval answered.
 */
export async function changeWithFourEyes(setup: Setup, branches: Array<{ id: string }>) {
  const huyen1 = await setup.as({ sub: 'huyen-1', roles: ['unit-officer'], scopeUnitId: 'qc' });
  const huyen2 = await setup.as({ sub: 'huyen-2', roles: ['unit-officer'], scopeUnitId: 'qc' });
  const [good1, good2, good3] = branches.slice(50, 53).map((b) => `branch.2020.${b.id}`);
  const before = new Date().toISOString();
  await new Promise((r) => setTimeout(r, 20));
  const proposal = created(await huyen1.post('/rating-changes', { ratingId: good1, grade: 'strong', reason: 'Khiếu nại được chấp nhận', decisionRef: { number: '45/QĐ-HĐQC' } }), 'proposal');
  const approval = created(await huyen2.post(`/rating-changes/${proposal.id}/approval`, { reason: 'Đồng ý' }), 'approval');
  const other = created(await huyen1.post('/rating-changes', { ratingId: good2, grade: 'strong', reason: 'Đề nghị nâng hạng' }), 'second proposal');
  created(await huyen2.post(`/rating-changes/${other.id}/rejection`, { reason: 'Không đủ căn cứ' }), 'rejection');
  const own = created(await huyen1.post('/rating-changes', { ratingId: good3, grade: 'strong', reason: 'Đề nghị nâng hạng' }), 'third proposal');
  const headsBefore = await setup.heads();
  const refused = await huyen1.post(`/rating-changes/${own.id}/approval`, { reason: 'Tự duyệt' });
  const appended = (await setup.heads()) !== headsBefore;
  return { before, changed: good1, position: approval.position, refused: { status: refused.status, rule: refused.body?.rule, appended } };
}

/** The changed rating's history: stage, grade and actor of each step. */
export async function historyOf(client: Client, ratingId: string, position: number) {
  const r = await client.get(`/ratings/branch/${ratingId.replace('branch.2020.', '')}?year=2020&minPosition=${position}`);
  return { status: r.status, etag: r.headers.etag ?? r.headers.get?.('etag'), steps: r.body.items[0].history.map((h: { stage: string; grade: string; actor: string }) => [h.stage, h.grade, h.actor]), proposal: r.body.items[0].history[2] };
}
