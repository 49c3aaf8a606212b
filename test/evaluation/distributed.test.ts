// First: this run's own topics and groups, before any module names the topics it consumes.
import { runKafkaNamespace, workerKafkaNamespace } from '../support/own-kafka-namespace';
import { EventStore, RecordedEvent } from '@register/event-sourcing';
import { AppliedEvents } from '@register/messaging';
import { EventStoreConnections } from '@register/service-kit';
import { EVALUATION_STORE } from '../../services/evaluation/src/application/tokens';
import { EvaluationModule } from '../../services/evaluation/src/evaluation.module';
import { OrganisationSubjectsConsumer, PersonnelSubjectsConsumer, SUBJECT_SYNC } from '../../services/evaluation/src/reactions/subject-sync.consumer';
import { PeopleReplica } from '../../services/organisation/src/people/people-replica';
import { applyEvaluationEvent as intoPeople } from '../../services/organisation/src/people/evaluation-events';
import { BranchReplica } from '../../services/personnel/src/application/branch-replica';
import { applyEvaluationEvent as intoBranches } from '../../services/personnel/src/reactions/evaluation-ratings';
import { OrganisationReactions } from '../../services/personnel/src/reactions/organisation-reactions.service';
import { handOver } from '../gateway/gateway-app';
import { Distributed, startDistributed } from '../gateway/distributed-app';
import { shadowDiffs } from './shadow-rebuild';
import { changeWithFourEyes, Client, decisionCounts, historyOf, rateTheYear, seedQuyChau, Setup } from './quy-chau-scenario';

jest.setTimeout(300_000);

/** How long `sync` waits for evaluation's consumers before it fails the suite. */
const CATCH_UP_MS = 120_000;

/** The events of `log` that `consumer` has not applied yet. */
async function notApplied(log: EventStore, consumer: AppliedEvents): Promise<RecordedEvent[]> {
  const missing: RecordedEvent[] = [];
  for (let from = 0, page = await log.readAll(from, 1000); page.length > 0; page = await log.readAll(from, 1000)) {
    missing.push(...page.filter((e) => !consumer.hasApplied(e.eventId)));
    from = page[page.length - 1].position;
  }
  return missing;
}

/**
 * Issue 18's acceptance, distributed: organisation, personnel, evaluation and the gateway as apps
 * on their own ports, the logs on PostgreSQL, the read models on FerretDB (MongoDB wire). The
 * gateway forwards over HTTP; organisation's and personnel's relays publish their logs to Kafka and
 * evaluation's replica learns them only there, through its consumer group as its main.ts connects it
 * (topics and group this run's own, REGISTER_KAFKA_NAMESPACE). Personnel and organisation are still
 * handed the events they learn (the branches, the decided ratings) from the logs.
 */
describe('evaluation (distributed, PostgreSQL + Kafka + FerretDB): the Quỳ Châu year 2020 through the gateway', () => {
  let d: Distributed;
  let setup: Setup;
  let admin: Client;
  let branches: Array<{ id: string; commune: string }>;
  let decided: number;
  let evaluationStore: EventStore;

  beforeAll(async () => {
    d = await startDistributed('test-internal-secret-evaluation-0123', [{ module: EvaluationModule, urlEnv: 'EVALUATION_URL', consumers: { ...SUBJECT_SYNC, group: `${SUBJECT_SYNC.group}.${runKafkaNamespace}` } }]);
    const evaluation = d.apps[0];
    evaluationStore = evaluation.get<EventStore>(EVALUATION_STORE);
    const [fromOrganisation, fromPersonnel] = [evaluation.get(OrganisationSubjectsConsumer), evaluation.get(PersonnelSubjectsConsumer)];
    const as = async (o: Parameters<Setup['as']>[0]): Promise<Client> => {
      const headers = await d.token(o);
      return { get: (path, extra = {}) => d.gw.get(path, { ...headers, ...extra }), post: (path, body, extra = {}) => d.gw.post(path, body, { ...headers, ...extra }) };
    };
    setup = {
      as,
      heads: async () => `${await d.heads()}/${await evaluationStore.headPosition()}`,
      // Evaluation has applied every event organisation and personnel have written so far, over Kafka.
      sync: async () => {
        const deadline = Date.now() + CATCH_UP_MS;
        for (;;) {
          const missing = [...(await notApplied(d.orgStore, fromOrganisation)), ...(await notApplied(d.personnelStore, fromPersonnel))];
          if (missing.length === 0) return;
          if (Date.now() > deadline) {
            throw new Error(`evaluation's consumers did not apply ${missing.length} of organisation's and personnel's events within ${CATCH_UP_MS / 1000} s (first: ${missing[0].type} on ${missing[0].streamId})`);
          }
          await new Promise((r) => setTimeout(r, 200));
        }
      },
    };
    admin = await as({ sub: 'admin', roles: ['central-admin'] });
    branches = await seedQuyChau(admin, 'na');
    await setup.sync();
    decided = await rateTheYear(setup, branches);
  });
  afterAll(async () => {
    await d?.close();
    if (workerKafkaNamespace === undefined) delete process.env.REGISTER_KAFKA_NAMESPACE;
    else process.env.REGISTER_KAFKA_NAMESPACE = workerKafkaNamespace;
  });

  it('counts 50/30/4; after the changes with four eyes 51/29/4, asOf an instant before 50/30/4, and the history shows every stage with its actors', async () => {
    expect(await decisionCounts(admin, `&minPosition=${decided}`)).toEqual({ strong: 50, good: 30, average: 4 });
    const { before, changed, position, refused } = await changeWithFourEyes(setup, branches);
    expect(refused).toEqual({ status: 422, rule: 'four-eyes', appended: false });
    expect(await decisionCounts(admin, `&minPosition=${position}`)).toEqual({ strong: 51, good: 29, average: 4 });
    expect(await decisionCounts(admin, `&asOf=${encodeURIComponent(before)}`)).toEqual({ strong: 50, good: 30, average: 4 });
    const history = await historyOf(admin, changed, position);
    expect(history.steps.map((s: string[]) => s[0])).toEqual(['self-assessment', 'decision', 'change-proposed', 'change-approved']);
    expect(history.steps.slice(2).map((s: string[]) => s[2])).toEqual(['huyen-1', 'huyen-2']);
    expect(history.etag).toBe('"3"');
  });

  it('scales: a four-level grade for 2020 and a classic grade for 2024 are refused with the rule, nothing appended', async () => {
    const before = await setup.heads();
    const r2020 = await admin.post('/ratings', { subjectType: 'branch', subjectId: 'qc-x1-b1', year: 2020, scale: 'four-level', grade: 'excellent', stage: 'self-assessment', reason: 'x' });
    const r2024 = await admin.post('/ratings', { subjectType: 'branch', subjectId: 'qc-x1-b1', year: 2024, scale: 'branch-classic', grade: 'strong', stage: 'self-assessment', reason: 'x' });
    expect([r2020.status, r2020.body.rule, r2024.status, r2024.body.rule]).toEqual([422, 'scale-not-in-use', 422, 'scale-not-in-use']);
    expect(await setup.heads()).toBe(before);
  });

  it("a branch's secretary cannot decide their branch's rating (403)", async () => {
    const secretary = await setup.as({ sub: 'bt-x', roles: ['branch-secretary'], scopeBranchId: 'qc-x2-b1' });
    const r = await secretary.post('/ratings', { subjectType: 'branch', subjectId: 'qc-x2-b1', year: 2021, scale: 'branch-classic', grade: 'strong', stage: 'decision', reason: 'x' });
    expect(r.status).toBe(403);
  });

  it("direct election and a merger's ratingsCarried follow the decided ratings; the successor shows its predecessors' ratings", async () => {
    // Personnel learns the Quỳ Châu branches, personnel and organisation evaluation's ratings, as their consumers would.
    await handOver(d.orgStore, d.personnel.get(OrganisationReactions))();
    for (const e of await d.apps[0].get<EventStore>(EVALUATION_STORE).readAll(0, 100_000)) {
      intoBranches(d.personnel.get(BranchReplica), e);
      intoPeople(d.organisation.get(PeopleReplica), e);
    }
    const [strong, average] = [branches[0].id, branches[80].id];
    const created = (r: { status: number; body: unknown }) => expect([r.status, r.body]).toEqual([201, expect.anything()]);
    for (const b of [strong, average]) {
      created(await admin.post('/members', { id: `${b}-m`, branchId: b, fullName: 'Lương Văn An', dateOfBirth: '2000-05-10', gender: 'male', admittedOn: '2019-03-26', consent: { givenOn: '2019-03-20', purposes: ['membership-register'] }, reason: 'kết nạp', effectiveDate: '2019-03-26' }));
    }
    const elect = (b: string) => admin.post(`/branches/${b}/officer-appointments`, { memberId: `${b}-m`, role: 'secretary', method: 'elected', source: 'teacher', startsOn: '2021-01-10', reason: 'Đại hội chi đoàn', effectiveDate: '2021-01-10' });
    const refused = await elect(average);
    expect([refused.status, refused.body.rule]).toEqual([422, 'direct-election-needs-good-rating']);
    expect((await elect(strong)).status).toBe(201);

    const [a, b] = [branches[1].id, branches[81].id];
    const merger = { sourceBranchIds: [a, b], into: { id: 'qc-new', name: 'Chi đoàn bản Hợp Nhất', area: { kind: 'village', name: 'Hợp Nhất' }, parentUnitId: 'qc-x1' }, reason: 'Sáp nhập bản', effectiveDate: '2021-07-01' };
    const dry = await admin.post('/branch-mergers', { ...merger, dryRun: true });
    expect([dry.status, dry.body.ratingsCarried]).toEqual([200, [
      { fromBranchId: a, toBranchId: 'qc-new', year: 2020, scale: 'branch-classic', grade: 'strong' },
      { fromBranchId: b, toBranchId: 'qc-new', year: 2020, scale: 'branch-classic', grade: 'average' },
    ]]);
    created(await admin.post('/branch-mergers', merger));
    await setup.sync();
    const successor = await admin.get('/ratings/branch/qc-new');
    expect(successor.status).toBe(200);
    expect(successor.body.predecessors.map((p: { branchId: string; items: Array<{ year: number; stage: string; grade: string }> }) => [p.branchId, p.items.map((r) => [r.year, r.stage, r.grade])])).toEqual([
      [a, [[2020, 'decision', 'strong']]],
      [b, [[2020, 'decision', 'average']]],
    ]);
  });

  it('a shadow rebuild of every evaluation projection on FerretDB reports 0 differences', async () => {
    const diffs = await shadowDiffs(d.apps[0], d.apps[0].get<EventStore>(EVALUATION_STORE));
    console.log(`shadow diff (evaluation, distributed): ${JSON.stringify(diffs)}`);
    // 84 self-assessments, 84 decisions, 3 proposals, 1 approval, 1 rejection, all ratings' types:
    // each projection reads the events of the types it handles (no commendation or visit this year).
    const none = { events: 0, differences: 0 };
    expect(diffs).toEqual({ ratings: { events: 84 + 84 + 3 + 1 + 1, differences: 0 }, commendations: none, 'support-visits': none });
  });

  it('takes batches through the gateway to the owning service: admissions to personnel, ratings to evaluation, each item answered; an item outside the caller\'s scope is 403 whole', async () => {
    const rating = (subjectId: string, grade: string) => ({ subjectType: 'branch', subjectId, year: 2021, scale: 'branch-classic', grade, stage: 'self-assessment' });
    const rated = await admin.post('/rating-batches', { reason: 'Tổng kết năm 2021', ratings: [rating(branches[2].id, 'strong'), rating(branches[3].id, 'good'), rating('qc-nowhere', 'good')] });
    expect([rated.status, rated.body.items.map((i: { status: number; rule?: string; id: string }) => [i.status, i.rule ?? i.id])]).toEqual([200, [[201, `branch.2021.${branches[2].id}`], [201, `branch.2021.${branches[3].id}`], [422, 'subject-did-not-exist']]]);
    const applicant = (n: number, branchId: string) => ({ branchId, fullName: `Lương Thị Ánh ${n}`, dateOfBirth: '2004-08-01', gender: 'female', admittedOn: '2021-03-26' });
    const admitted = await admin.post('/admission-batches', { reason: 'Quyết định kết nạp 2021', members: [applicant(1, branches[2].id), applicant(1, branches[2].id)] });
    expect([admitted.status, admitted.body.items.map((i: { status: number; rule?: string }) => [i.status, i.rule ?? null])]).toEqual([200, [[201, null], [409, 'possible-duplicate']]]);
    const officer = await setup.as({ sub: 'x1-officer', roles: ['unit-officer'], scopeUnitId: 'qc-x1' });
    const outside = branches.find((b) => b.commune !== 'qc-x1')!.id;
    expect((await officer.post('/admission-batches', { reason: 'x', members: [applicant(2, branches[2].id), applicant(3, outside)] })).status).toBe(403);
  });

  it("a member's erasure reaches evaluation over Kafka: their rating's text reads \"[erased]\" in the read model on FerretDB and in the audit events, and evaluation's key row in PostgreSQL is shredded", async () => {
    const NAME = 'Hà Thị Xuân';
    const admitted = await admin.post('/members', { id: 'er-1', branchId: branches[4].id, fullName: NAME, dateOfBirth: '2001-01-01', gender: 'female', admittedOn: '2019-03-26', reason: 'kết nạp', effectiveDate: '2019-03-26' });
    expect(admitted.status).toBe(201);
    await setup.sync();
    const rated = await admin.post('/ratings', { subjectType: 'member', subjectId: 'er-1', year: 2020, scale: 'member-classic', grade: 'excellent', stage: 'self-assessment', reason: `Đoàn viên ${NAME} xuất sắc` });
    expect(rated.status).toBe(201);
    expect(JSON.stringify((await admin.get(`/ratings/member/er-1?minPosition=${rated.body.position}`)).body)).toContain(NAME);
    const sql = (await d.apps[0].get(EventStoreConnections).sqlClient())!;
    const [{ key }] = (await sql.query<{ key: Buffer }>("select key from evaluation.personal_data_keys where key_id = 'er-1'")).rows;
    expect((await admin.post('/members/er-1/personal-data-erasure', { reason: 'xóa theo yêu cầu' })).status).toBe(201);
    await setup.sync();
    const deadline = Date.now() + 30_000;
    let recorded = await evaluationStore.readStream('erased-member-er-1');
    while (recorded.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      recorded = await evaluationStore.readStream('erased-member-er-1');
    }
    expect(recorded.map((e) => [e.type, (e.data as { ratingIds: string[] }).ratingIds])).toEqual([['MemberFreeTextErased', ['member.2020.er-1']]]);
    const after = await admin.get(`/ratings/member/er-1?minPosition=${recorded[0].position}`);
    expect(after.body.items[0].history.map((h: { reason: string }) => h.reason)).toEqual(['[erased]']);
    const auditor = await setup.as({ sub: 'auditor', roles: ['auditor'] });
    const audit = await auditor.get('/audit/events?service=evaluation&streamId=rating-member.2020.er-1');
    expect([audit.status, JSON.stringify(audit.body).includes(NAME), audit.body.items.length]).toEqual([200, false, 1]);
    const { rows } = await sql.query<{ shredded: boolean }>("select key is null as shredded from evaluation.personal_data_keys where key_id = 'er-1'");
    expect(rows).toEqual([{ shredded: true }]);
    // Nor does the row as it was before the shredding keep the key in the table's pages (vacuumed at once).
    await sql.exec('create extension if not exists pageinspect');
    const pages = await sql.query<{ data: Buffer | null }>(
      "select t_data as data from generate_series(0, (pg_relation_size('evaluation.personal_data_keys') / 8192)::int - 1) as p, heap_page_items(get_raw_page('evaluation.personal_data_keys', p))",
    );
    expect(pages.rows.some((r) => r.data !== null && Buffer.from(r.data).includes(Buffer.from(key)))).toBe(false);
  });
});
