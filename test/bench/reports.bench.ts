/**
 * The unit summary (GET /reports/units/{id}/summary's read) for a province of 3,000 branches and
 * 200,000 members, beside a plain query of the same read model in the same run: one find of the
 * province's branch documents (`report.branches` by the structure's unitIds), the largest read
 * the summary makes, as any client reads them (copies). A third figure is the same find read-only,
 * as the summary makes it: on the memory store, the documents handed over without copies. The read model's documents are built directly, as the four reporting
 * projections leave them (a province of 10 districts, 100 communes, 30 branches each, about 67
 * members a branch admitted over ten years, a secretary each, ratings, 50 courses), on each store:
 * the embedded memory store and FerretDB (MongoDB wire, as distributed).
 *
 * Then the stored year-end summaries (summary rollups): one refresh of every unit's summary for
 * every year (its duration and how many documents), a second with nothing changed, and the
 * summary answered from its rollup beside the plain query of that read model (the find of the
 * rollup document by `_id`), as a ratio. The live rows above are the fallback's figures.
 *
 * Run: npm run bench:reports  (BENCH_STORES=memory,ferretdb; BENCH_ROUNDS; BENCH_OPS per round)
 */
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { Doc, liveTarget, MemoryReadStore, MongoReadStore, ProjectionQueries, ReadStore } from '@register/read-models';
import { OFFICER_SOURCES } from '@register/contracts';
import { BRANCH_FIELDS, REPORT_BRANCHES, REPORTED_SERVICES, REPORTING_PROJECTIONS, reportingStore } from '../../services/gateway/src/reports/summary/reporting-projections';
import { ReportingReadModel } from '../../services/gateway/src/reports/summary/reporting-read-model';
import { branchesFilter, SummaryReadModel } from '../../services/gateway/src/reports/summary/summary.read-model';
import { subtreeOn } from '../../services/gateway/src/reports/summary/summary';
import { SummaryRollupRefresher } from '../../services/gateway/src/reports/summary/summary-rollup.refresher';
import { rollupId } from '../../services/gateway/src/reports/summary/summary-rollups';
import { ROLLUPS, SummaryRollups } from '../../services/gateway/src/reports/summary/summary-rollups.store';
import { UnitFactsDoc } from '../../services/gateway/src/reports/summary/structure-facts.projection';
import { servers, uniqueName } from '../support/servers';
import { environment, percentile, printTable, round, writeResults } from './bench-util';

const STORES = (process.env.BENCH_STORES ?? 'memory,ferretdb').split(',');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const OPS = Number(process.env.BENCH_OPS ?? 30);
const DISTRICTS = 10;
const COMMUNES_PER_DISTRICT = 10;
const BRANCHES_PER_COMMUNE = 30;
const MEMBERS = 200_000;
const TARGETS = { p95Ms: 100, ratio: 2 };
const SINCE = '2015-01-01';

type Docs = Record<string, Record<string, Doc[]>>;

/** The province as the reporting projections leave it, per projection and collection. */
function province(): Docs {
  const units: Doc[] = [{ _id: 'tw', kind: 'central', parents: { [SINCE]: null }, endedOn: null }, { _id: 'p', kind: 'province', parents: { [SINCE]: 'tw' }, endedOn: null }];
  const branches: Doc[] = [];
  const membership: Doc[] = [];
  const members: Doc[] = [];
  const evaluation: Doc[] = [];
  const trainees: Doc[] = [];
  let member = 0;
  for (let d = 0; d < DISTRICTS; d++) {
    units.push({ _id: `d${d}`, kind: 'district', parents: { [SINCE]: 'p' }, endedOn: null });
    for (let c = 0; c < COMMUNES_PER_DISTRICT; c++) {
      const commune = `d${d}-c${c}`;
      units.push({ _id: commune, kind: 'grassroots', parents: { [SINCE]: `d${d}` }, endedOn: null });
      for (let b = 0; b < BRANCHES_PER_COMMUNE; b++) {
        const id = `${commune}-b${b}`;
        const n = branches.length;
        const size = Math.floor(MEMBERS / 3000) + (n < MEMBERS % 3000 ? 1 : 0);
        const deltas: Record<string, number> = {};
        const admissions: Record<string, number> = {};
        for (let k = 0; k < size; k++, member++) {
          const year = 2011 + (k % 10);
          const day = `${year}-03-26`;
          deltas[day] = (deltas[day] ?? 0) + 1;
          admissions[day] = (admissions[day] ?? 0) + 1;
          members.push({ _id: `m${member}`, branchId: id, status: 'active' });
        }
        branches.push({ _id: id, units: { [SINCE]: commune }, residential: { [SINCE]: true }, unitIds: [commune], endedOn: null });
        const secretary = `m${member - 1}`;
        membership.push({ _id: id, members: deltas, away: { '2020-06-01': 2 }, admissions, introductions: { '2020-05-19': 1 }, partyAdmissions: { '2020-11-07': n % 2 }, secretaries: { '2019-09-01': { memberId: secretary, source: OFFICER_SOURCES[n % OFFICER_SOURCES.length] } } });
        const decided = (k: number) => ({ '2021-01-15': k });
        const decisions = { 2020: { branch: { 'branch-classic': { [['strong', 'good', 'average'][n % 3]]: decided(1) } }, member: { 'member-classic': { excellent: decided(10), good: decided(40), average: decided(size - 50) } } } };
        evaluation.push({ _id: id, decisions, commended: { 2020: { '2020-12-20': n % 4 === 0 ? 1 : 0 } } });
        if (n % 3 !== 0) trainees.push({ _id: id, trainees: [{ year: 2020, memberId: secretary, courseId: `course-${n % 50}` }] });
      }
    }
  }
  const courses = Array.from({ length: 50 }, (_, k) => ({ _id: `course-${k}`, organiserUnitId: `d${k % DISTRICTS}`, year: 2020, cancelled: false, participantIds: trainees.filter((_, t) => t % 50 === k).map((t) => (t.trainees as Array<{ memberId: string }>)[0].memberId), secretaryIds: [] }));
  return {
    organisation: { units, branches },
    personnel: { members, branches: membership },
    evaluation: { ratings: [], branches: evaluation },
    training: { courses, branches: trainees },
  };
}

/** Each projection's collections; the four `branches` merged into one reporting document per branch, each projection's field its own. */
async function load(inner: ReadStore, docs: Docs) {
  const store = reportingStore(inner);
  const merged = new Map<string, Doc>();
  for (const service of REPORTED_SERVICES) {
    const projection = REPORTING_PROJECTIONS[service];
    const target = liveTarget(projection);
    for (const [name, spec] of Object.entries(projection.collections)) {
      await store.ensureCollection(target.collection(name), spec);
      const all: Doc[] = (docs[service][name] ?? []).map((d) => ({ ...d, _pos: 1 }));
      if (name === 'branches') {
        for (const { _id, ...own } of all) merged.set(_id as string, { ...(merged.get(_id as string) ?? { _id }), [BRANCH_FIELDS[service]]: own });
        continue;
      }
      for (let i = 0; i < all.length; i += 10_000) await store.insert(target.collection(name), all.slice(i, i + 10_000));
    }
  }
  const all = [...merged.values()];
  for (let i = 0; i < all.length; i += 1_000) await inner.insert(REPORT_BRANCHES, all.slice(i, i + 1_000));
}

/** The summary's read over the store as the gateway has it, without runners (no minPosition is asked). */
function readModelOver(inner: ReadStore) {
  const store = reportingStore(inner);
  const queries = Object.fromEntries(REPORTED_SERVICES.map((s) => [s, new ProjectionQueries(REPORTING_PROJECTIONS[s], store, liveTarget(REPORTING_PROJECTIONS[s]), { position: 1 } as never)]));
  const reporting = { of: async (s: string) => queries[s], positions: () => ({}), store } as unknown as ReportingReadModel;
  const rollups = new SummaryRollups(reporting);
  return { summary: new SummaryReadModel(reporting, { rollups } as SummaryRollupRefresher), rollups, structure: queries.organisation, store };
}

async function timed(body: () => Promise<unknown>, latencies: number[]) {
  for (let i = 0; i < OPS; i++) {
    const t0 = performance.now();
    await body();
    latencies.push(performance.now() - t0);
  }
}

async function measure(kind: string, docs: Docs) {
  const store: ReadStore = kind === 'memory' ? new MemoryReadStore() : await MongoReadStore.connect(servers.mongoUrl, uniqueName('bench_reports'));
  const t0 = performance.now();
  await load(store, docs);
  const loadSeconds = round((performance.now() - t0) / 1000, 1);
  const { summary, rollups, structure, store: reporting } = readModelOver(store);
  const units = (await structure.collection('units').find()) as unknown as UnitFactsDoc[];
  const subtree = [...subtreeOn(units, 'p', '2020-12-31')!];
  const check = await summary.summary('p', 2020, '2020-12-31');
  if (check.branches.total !== 3000 || check.members.total !== MEMBERS || check.training.secretariesTrained !== 2000) throw new Error(`wrong summary: ${JSON.stringify(check)}`);
  const plain = () => reporting.find(REPORT_BRANCHES, branchesFilter(subtree));
  const readOnly = () => reporting.find(REPORT_BRANCHES, branchesFilter(subtree), { readOnly: true });
  const report = () => summary.summary('p', 2020, '2020-12-31');
  await timed(plain, []);
  await timed(report, []);
  const latencies = { summary: [] as number[], plain: [] as number[], readOnly: [] as number[] };
  for (let r = 0; r < ROUNDS; r++) {
    await timed(plain, latencies.plain);
    await timed(readOnly, latencies.readOnly);
    await timed(report, latencies.summary);
  }
  const rollup = await measureRollups(rollups, summary, reporting, check);
  if (store instanceof MongoReadStore) await store.connection.dropDatabase();
  await store.close();
  const p = (xs: number[], q: number) => round(percentile([...xs].sort((a, b) => a - b), q), 2);
  return { store: kind, loadSeconds, summary: { p50: p(latencies.summary, 50), p95: p(latencies.summary, 95) }, plain: { p50: p(latencies.plain, 50), p95: p(latencies.plain, 95) }, readOnly: { p50: p(latencies.readOnly, 50), p95: p(latencies.readOnly, 95) }, ratio: round(p(latencies.summary, 95) / p(latencies.plain, 95), 2), rollup };
}

/** One refresh of every rollup, a second with nothing changed, then the province's 2020 summary from its rollup beside the find of that document by `_id`. */
async function measureRollups(rollups: SummaryRollups, summary: SummaryReadModel, store: ReadStore, live: object) {
  const today = new Date().toISOString().slice(0, 10);
  const first = await rollups.refresh(today);
  const again = await rollups.refresh(today);
  const fromRollup = () => summary.summary('p', 2020, '2020-12-31', {});
  const stored = await fromRollup();
  if (!isDeepStrictEqual({ ...stored, positions: undefined }, { ...live, positions: undefined })) throw new Error(`the rollup differs from the live summary: ${JSON.stringify(stored)}`);
  const plain = () => store.find(ROLLUPS, { _id: rollupId('p', 2020, '2020-12-31') });
  await timed(plain, []);
  await timed(fromRollup, []);
  const latencies = { summary: [] as number[], plain: [] as number[] };
  for (let r = 0; r < ROUNDS; r++) {
    await timed(plain, latencies.plain);
    await timed(fromRollup, latencies.summary);
  }
  const p = (xs: number[], q: number) => round(percentile([...xs].sort((a, b) => a - b), q), 2);
  return {
    refresh: { seconds: round(first.ms / 1000, 1), documents: first.documents, written: first.written },
    unchanged: { seconds: round(again.ms / 1000, 1), written: again.written },
    summary: { p50: p(latencies.summary, 50), p95: p(latencies.summary, 95) },
    plain: { p50: p(latencies.plain, 50), p95: p(latencies.plain, 95) },
    ratio: round(p(latencies.summary, 95) / p(latencies.plain, 95), 2),
  };
}

async function main() {
  const docs = province();
  const results = [];
  for (const kind of STORES) results.push(await measure(kind, docs));
  printTable(
    ['store', 'summary p50 ms', 'summary p95 ms', 'plain p50 ms', 'plain p95 ms', 'ratio (p95)', 'read-only find p50/p95 ms', 'load s'],
    results.map((r) => [r.store, r.summary.p50, r.summary.p95, r.plain.p50, r.plain.p95, r.ratio, `${r.readOnly.p50} / ${r.readOnly.p95}`, r.loadSeconds]),
    `unit summary of a province (3,000 branches, ${MEMBERS.toLocaleString('en-US')} members) vs one find of its branches; targets: p95 <= ${TARGETS.p95Ms} ms, ratio <= ${TARGETS.ratio}`,
  );
  printTable(
    ['store', 'refresh s', 'rollups', 'written', 'unchanged refresh s', 'summary p50 ms', 'summary p95 ms', 'find by _id p50 ms', 'find by _id p95 ms', 'ratio (p95)'],
    results.map(({ store, rollup: r }) => [store, r.refresh.seconds, r.refresh.documents, r.refresh.written, r.unchanged.seconds, r.summary.p50, r.summary.p95, r.plain.p50, r.plain.p95, r.ratio]),
    `the same summary from its stored rollup (every unit, every year) vs one find of that document by _id; targets: p95 <= ${TARGETS.p95Ms} ms, ratio <= ${TARGETS.ratio}`,
  );
  const met = results.map((r) => ({ store: r.store, p95: r.summary.p95 <= TARGETS.p95Ms, ratio: r.ratio <= TARGETS.ratio, rollupP95: r.rollup.summary.p95 <= TARGETS.p95Ms, rollupRatio: r.rollup.ratio <= TARGETS.ratio }));
  const file = writeResults('reports', { environment: environment(), targets: TARGETS, ops: OPS * ROUNDS, results, met });
  console.log(`\nwritten to ${file}`);
}

void main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
