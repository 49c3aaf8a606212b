import { randomInt } from 'node:crypto';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import mongoose from 'mongoose';
import { connectConsumers, ConsumerGroupSpec, createHttpApp, RegisterConfig, rootModuleOf, startConsumers, UpstreamLogs } from '@register/service-kit';
import { OrganisationModule } from '../../services/organisation/src/organisation.module';
import { PEOPLE_SYNC } from '../../services/organisation/src/people/people-sync.consumer';
import { PersonnelModule } from '../../services/personnel/src/personnel.module';
import { BRANCH_SYNC } from '../../services/personnel/src/reactions/branch-sync.consumer';
import { Answer, httpClient } from '../support/http';
import { distributedConfig } from '../support/distributed-config';
import { uniqueName } from '../support/servers';

jest.setTimeout(240_000);

type Api = Awaited<ReturnType<typeof httpClient>>;

const run = uniqueName('two');
const why = { reason: 'thành lập', effectiveDate: '2019-01-01', decisionRef: { number: '12-QĐ/ĐTN', issuedBy: 'Ban Thường vụ Đoàn xã' } };

/**
 * Two instances of personnel side by side, as `replicas: 2` runs them: one PostgreSQL database,
 * one set of topics, each instance an app of its own (its pool, its lock connection, its
 * REGISTER_INSTANCE_ID and so its own in-memory group), with organisation beside them. Real servers.
 */
describe('two instances of personnel on one database and one set of topics (real servers)', () => {
  const apps: NestFastifyApplication[] = [];
  let config: RegisterConfig;
  let org: Api;
  let a: Api;
  let b: Api;
  const id = (name: string) => `${run}-${name}`;
  const branches = [id('b1'), id('b2')];

  async function start(modules: Array<typeof OrganisationModule | typeof PersonnelModule>, group: ConsumerGroupSpec, instance: string) {
    const app = await createHttpApp(rootModuleOf(config, modules), { title: 'two instances', logger: false });
    process.env.REGISTER_INSTANCE_ID = instance; // read as the consumer group is named (instanceGroup)
    try {
      connectConsumers(app, config, group);
    } finally {
      delete process.env.REGISTER_INSTANCE_ID;
    }
    await startConsumers(app, config);
    apps.push(app);
    return httpClient(app);
  }

  beforeAll(async () => {
    config = await distributedConfig('two_instances');
    org = await start([OrganisationModule], { ...PEOPLE_SYNC, group: `${PEOPLE_SYNC.group}.${run}` }, 'organisation-0');
    a = await start([PersonnelModule], BRANCH_SYNC, `${run}-personnel-0`);
    b = await start([PersonnelModule], BRANCH_SYNC, `${run}-personnel-1`);
  });

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    for (const store of ['organisation', 'personnel']) {
      const mongo = await mongoose.createConnection(config.mongoUrl, { dbName: `${/^mongodb:\/\/[^/]+\/([^?]*)/.exec(config.mongoUrl)![1]}_${store}` }).asPromise();
      await mongo.dropDatabase();
      await mongo.close();
    }
  });

  const applicant = (memberId: string, branchId: string, extra: Record<string, unknown> = {}) => ({
    id: memberId, branchId, fullName: 'Hoàng Thị Thu Hường', dateOfBirth: '2001-09-02', gender: 'female', admittedOn: '2020-03-26', reason: 'kết nạp', ...extra,
  });

  /** Admits until the instance knows the branch (it learns it from organisation's topic, a moment later). */
  async function admitOnceKnown(api: Api, body: ReturnType<typeof applicant>): Promise<Answer> {
    for (const deadline = Date.now() + 60_000; ; await new Promise((resolve) => setTimeout(resolve, 200))) {
      const answer = await api.post('/members', body);
      if (answer.status === 201 || Date.now() > deadline) return answer;
    }
  }

  it('each instance learns every branch organisation establishes after they started (each reads every partition)', async () => {
    expect((await org.post('/units', { id: id('tw'), kind: 'central', name: 'Trung ương Đoàn', ...why })).status).toBe(201);
    expect((await org.post('/units', { id: id('xa'), kind: 'grassroots', name: 'Đoàn xã Tà Xùa', parentId: id('tw'), ...why })).status).toBe(201);
    for (const [i, branchId] of branches.entries()) {
      const answer = await org.post('/branches', { id: branchId, parentUnitId: id('xa'), name: `Chi đoàn bản Tà Xùa ${i + 1}`, area: { kind: 'village', name: `Tà Xùa ${i + 1}` }, ...why });
      expect(answer.status).toBe(201);
    }
    for (const [api, name] of [[a, 'a'], [b, 'b']] as const) {
      for (const [i, branchId] of branches.entries()) {
        const answer = await admitOnceKnown(api, applicant(id(`known-${name}${i}`), branchId, { fullName: `Giàng A Páo ${name}${i}` }));
        expect([name, branchId, answer.status, answer.body?.rule]).toEqual([name, branchId, 201, undefined]);
      }
    }
  });

  it('one national ID number sent to both instances at once, into two branches, is admitted once', async () => {
    const outcomes: number[][] = [];
    for (let round = 0; round < 12; round++) {
      const nationalId = String(randomInt(1e11, 1e12));
      const both = await Promise.all([
        a.post('/members', applicant(id(`nid-a${round}`), branches[0], { nationalId, fullName: `Sùng Thị Mai ${round}` })),
        b.post('/members', applicant(id(`nid-b${round}`), branches[1], { nationalId, fullName: `Sùng Thị Mai ${round}` })),
      ]);
      outcomes.push(both.map((answer) => answer.status).sort());
      expect(both.map((answer) => answer.body?.rule).filter(Boolean)).toEqual(['national-id-taken']);
    }
    expect(outcomes).toEqual(Array.from({ length: 12 }, () => [201, 409]));
  });

  it('one person (name and date of birth) sent to both instances at once, into one branch, is admitted once', async () => {
    for (let round = 0; round < 12; round++) {
      const person = { fullName: `Vàng Thị Dở ${round}`, dateOfBirth: '2002-01-0' + ((round % 9) + 1) };
      const both = await Promise.all([
        a.post('/members', applicant(id(`twin-a${round}`), branches[0], person)),
        b.post('/members', applicant(id(`twin-b${round}`), branches[0], person)),
      ]);
      expect([both.map((answer) => answer.status).sort(), both.map((answer) => answer.body?.rule).filter(Boolean)]).toEqual([[201, 409], ['possible-duplicate']]);
    }
  });

  it("one instance's relay publishes personnel's log, the other stands by and still knows how far it is published", async () => {
    const [one, two] = [apps[1], apps[2]].map((app) => app.get(UpstreamLogs));
    expect([one.relayLeads('personnel'), two.relayLeads('personnel')]).toEqual([true, false]);
    const last = await a.post('/members', applicant(id('last'), branches[1], { fullName: 'Lù Văn Sáng' }));
    expect(last.status).toBe(201);
    for (const deadline = Date.now() + 10_000; (two.publishedUpTo('personnel') ?? 0) < last.body.position && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(two.publishedUpTo('personnel')).toBeGreaterThanOrEqual(last.body.position);
  });
});
