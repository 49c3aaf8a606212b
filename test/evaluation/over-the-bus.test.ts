import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { EVENTS_TOPIC_PARTITIONS, eventsTopic } from '@register/messaging';
import { connectConsumers, ConsumerGroupSpec, createHttpApp, loadConfig, RegisterConfig, rootModuleOf, startConsumers } from '@register/service-kit';
import { EvaluationModule } from '../../services/evaluation/src/evaluation.module';
import { SUBJECT_SYNC } from '../../services/evaluation/src/reactions/subject-sync.consumer';
import { OrganisationModule } from '../../services/organisation/src/organisation.module';
import { PEOPLE_SYNC } from '../../services/organisation/src/people/people-sync.consumer';
import { BranchReplica } from '../../services/personnel/src/application/branch-replica';
import { PersonnelModule } from '../../services/personnel/src/personnel.module';
import { BRANCH_SYNC } from '../../services/personnel/src/reactions/branch-sync.consumer';
import { FACTS_SYNC } from '../../services/training/src/reactions/facts-sync.consumer';
import { TrainingModule } from '../../services/training/src/training.module';
import { Answer, httpClient } from '../support/http';
import { distributedConfig as sharedDistributedConfig } from '../support/distributed-config';
import { uniqueName } from '../support/servers';

jest.setTimeout(180_000);

/**
 * Evaluation among the others over the bus, each service with its relay and its consumer group:
 * distributed, three apps on a fresh PostgreSQL database with Kafka (groups suffixed per run: the
 * events topics are shared by every run) and FerretDB; embedded, one app on PGlite and the
 * in-process bus, wired as the embedded start wires them. Nobody hands events over by hand.
 */
type Setup = 'distributed' | 'embedded';
type Api = Awaited<ReturnType<typeof httpClient>>;

const run = uniqueName('ev');
const perRun = (spec: ConsumerGroupSpec): ConsumerGroupSpec => ({ ...spec, group: `${spec.group}.${run}` });

const distributedConfig = () => sharedDistributedConfig('evaluation_bus');

/**
 * The events topics exist before any consumer subscribes, as deploy/kafka/create-topics.sh makes
 * them on a cluster: a consumer does not see a topic created after it joined until its next
 * metadata refresh (minutes), and evaluation's may not exist yet on a fresh broker.
 */
async function ensureTopics(brokers: string[]) {
  const admin = new Kafka({ brokers, logLevel: 0 }).admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  const missing = ['organisation', 'personnel', 'evaluation', 'training'].map((service) => eventsTopic(service)).filter((t) => !existing.has(t));
  if (missing.length) await admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions: EVENTS_TOPIC_PARTITIONS })), waitForLeaders: true });
  await admin.disconnect();
}

async function startApp(config: RegisterConfig, modules: unknown[], consumers?: ConsumerGroupSpec) {
  const app = await createHttpApp(rootModuleOf(config, modules as never), { title: 'evaluation over the bus', logger: false });
  connectConsumers(app, config, consumers);
  await startConsumers(app, config);
  return { app, api: await httpClient(app) };
}

/** Repeats `ask` until `done` holds: the other service learns by events, a moment later. */
async function eventually<T>(ask: () => Promise<T>, done: (a: T) => boolean, what: string, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await ask();
    if (done(answer)) return answer;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(answer).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.each<Setup>(['distributed', 'embedded'])('evaluation over the bus (%s)', (setup) => {
  const apps: INestApplication[] = [];
  let org: Api;
  let per: Api;
  let ev: Api;
  let tr: Api;
  let personnelApp: INestApplication;
  let dataDir: string | undefined;
  const id = (name: string) => `${run}-${setup[0]}-${name}`;
  const why = { reason: 'thử nghiệm', effectiveDate: '2015-01-01' };
  const [average, strong] = [id('avg'), id('strong')];

  beforeAll(async () => {
    delete process.env.REGISTER_RELAY;
    if (setup === 'embedded') {
      dataDir = mkdtempSync(join(tmpdir(), 'evaluation-bus-'));
      const one = await startApp(loadConfig({ REGISTER_MODE: 'embedded', DATA_DIR: dataDir }), [OrganisationModule, PersonnelModule, EvaluationModule, TrainingModule]);
      apps.push(one.app);
      personnelApp = one.app;
      org = per = ev = tr = one.api;
      return;
    }
    const config = await distributedConfig();
    await ensureTopics(config.kafkaBrokers);
    const organisation = await startApp(config, [OrganisationModule], perRun(PEOPLE_SYNC));
    const personnel = await startApp(config, [PersonnelModule], perRun(BRANCH_SYNC));
    const evaluation = await startApp(config, [EvaluationModule], perRun(SUBJECT_SYNC));
    const training = await startApp(config, [TrainingModule], perRun(FACTS_SYNC));
    apps.push(organisation.app, personnel.app, evaluation.app, training.app);
    personnelApp = personnel.app;
    ({ api: org } = organisation);
    ({ api: per } = personnel);
    ({ api: ev } = evaluation);
    ({ api: tr } = training);
  });

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('evaluation learns the branches from organisation, personnel the decided ratings from evaluation: direct election follows them; organisation carries them in a merger', async () => {
    for (const u of [{ id: id('tw'), kind: 'central', name: 'Trung ương Đoàn' }, { id: id('xa'), kind: 'grassroots', name: 'Đoàn xã Châu Bình', parentId: id('tw') }]) {
      expect((await org.post('/units', { ...u, ...why })).status).toBe(201);
    }
    for (const [i, b] of [average, strong].entries()) {
      expect((await org.post('/branches', { id: b, parentUnitId: id('xa'), name: `Chi đoàn bản Tạt ${i + 1}`, area: { kind: 'village', name: `Tạt ${i + 1}` }, ...why })).status).toBe(201);
    }
    // Evaluation refuses a rating of a branch it has not learnt of (422, nothing appended): retried until its replica knows it.
    for (const b of [average, strong]) {
      const rate = { subjectType: 'branch', subjectId: b, year: 2022, scale: 'branch-classic', grade: 'good', stage: 'self-assessment', reason: 'tự đánh giá' };
      await eventually(() => ev.post('/ratings', rate), (a: Answer) => a.status === 201, `evaluation to learn ${b}`);
    }
    for (const [b, grade] of [[average, 'average'], [strong, 'strong']]) {
      expect((await ev.post('/ratings', { subjectType: 'branch', subjectId: b, year: 2022, scale: 'branch-classic', grade, stage: 'decision', reason: 'xã quyết định' })).status).toBe(201);
    }
    const replica = personnelApp.get(BranchReplica);
    await eventually(async () => [replica.get(average)?.lastRating, replica.get(strong)?.lastRating], (r) => r[0] === 'average' && r[1] === 'strong', "personnel's replica to learn the ratings");
    for (const b of [average, strong]) {
      for (const m of ['a', 'b', 'c']) {
        const admitted = await per.post('/members', { id: `${b}-${m}`, branchId: b, fullName: `Lương Văn ${m.toUpperCase()}`, dateOfBirth: '2000-05-10', gender: 'male', admittedOn: '2020-03-26', reason: 'kết nạp' });
        expect(admitted.status).toBe(201);
      }
    }
    const elect = (b: string) => per.post(`/branches/${b}/officer-appointments`, { memberId: `${b}-a`, role: 'secretary', method: 'elected', source: 'teacher', startsOn: '2023-01-10', reason: 'đại hội' });
    const refused = await elect(average);
    expect([refused.status, refused.body.rule]).toEqual([422, 'direct-election-needs-good-rating']);
    expect((await elect(strong)).status).toBe(201);
    const plan = await eventually(
      () => org.post('/branch-mergers', { sourceBranchIds: [average, strong], into: { name: 'Chi đoàn bản Tạt', area: { kind: 'village', name: 'Tạt' } }, dryRun: true, reason: 'sáp nhập' }),
      (a: Answer) => a.status === 200 && a.body.ratingsCarried?.length === 2,
      "organisation's dry run to carry both ratings",
    );
    expect(plan.body.ratingsCarried.map((r: { fromBranchId: string; grade: string }) => [r.fromBranchId, r.grade])).toEqual([[average, 'average'], [strong, 'strong']]);
  });

  it("evaluation learns training's competition awards from its topic: a commendation citing one, retried while it answers 422 unknown-award, is issued and keeps the award's text", async () => {
    const winner = `${strong}-b`;
    const contest = await eventually(
      () => tr.post('/competitions', { organiserUnitId: id('xa'), title: 'Hội thi Bí thư chi đoàn giỏi', heldOn: '2024-03-20', reason: 'tổ chức hội thi' }),
      (a: Answer) => a.status === 201,
      'training to learn the commune',
    );
    await eventually(() => tr.post(`/competitions/${contest.body.id}/entries`, { memberIds: [winner], reason: 'dự thi' }), (a: Answer) => a.status === 201, `training to learn ${winner}`);
    expect((await tr.post(`/competitions/${contest.body.id}/results`, { awards: [{ memberId: winner, award: 'Giải nhì' }], reason: 'công bố kết quả' })).status).toBe(201);
    const awardRef = `${contest.body.id}:${winner}`;
    const commend = { subjectType: 'member', subjectId: winner, year: 2024, occasion: 'competition', title: 'Bí thư chi đoàn giỏi', issuedByUnitId: id('xa'), awardRef, reason: 'tuyên dương' };
    const issued = await eventually(() => ev.post('/commendations', commend), (a: Answer) => a.status === 201 || (a.status === 422 && a.body.rule !== 'unknown-award'), 'evaluation to learn the award');
    expect(issued.status).toBe(201);
    const list = await ev.get(`/commendations?subjectId=${winner}&minPosition=${issued.body.position}`);
    expect(list.body.items).toEqual([expect.objectContaining({ awardRef, award: 'Giải nhì', subjectType: 'member' })]);
  });
});
