import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { EVENTS_TOPIC_PARTITIONS, eventsTopic } from '@register/messaging';
import { connectConsumers, createHttpApp, loadConfig, rootModuleOf, startConsumers } from '@register/service-kit';
import { OrganisationModule } from '../../services/organisation/src/organisation.module';
import { buildFixtures, Fixture, ROOT, until } from '../messaging/processes';
import { freePort } from '../support/free-port';
import { httpClient } from '../support/http';
import { inParallel } from '../support/in-parallel';
import { servers, uniqueName } from '../support/servers';

jest.setTimeout(300_000);

/**
 * Evaluation's consumer SIGKILLed while it reads organisation's topic, twice, and restarted: its
 * replica (in memory, rebuilt from the topic at each start) ends knowing every branch, and its log
 * holds each rating once. Distributed: organisation in this process with its relay to Kafka, the
 * evaluation service a child process on the same PostgreSQL database.
 */
describe('evaluation: its consumer SIGKILLed mid-stream and restarted', () => {
  const run = uniqueName('evk');
  const branches = Array.from({ length: 60 }, (_, i) => `${run}-b${i}`);
  let organisation: INestApplication;
  let evaluation: Fixture;
  let env: Record<string, string>;

  beforeAll(async () => {
    delete process.env.REGISTER_RELAY;
    try {
      buildFixtures();
    } catch (error) {
      // A type error elsewhere in the repository (someone's work in progress) fails the build, yet tsc
      // still emits every file: go on when this fixture was emitted.
      if (!existsSync(join(ROOT, 'dist/test/evaluation/fixtures/evaluation-service.js'))) throw error;
    }
    const database = uniqueName('evaluation_kill');
    const pg = new Client({ connectionString: servers.postgresUrl });
    await pg.connect();
    await pg.query(`create database ${database}`);
    await pg.end();
    env = {
      REGISTER_MODE: 'distributed',
      EVENT_STORE: 'postgres',
      REGISTER_PG_URL: servers.postgresUrl.replace(/\/[^/]+$/, `/${database}`),
      KAFKA_BROKERS: servers.kafkaBrokers.join(','),
      REGISTER_MONGO_URL: `${servers.mongoUrl.replace(/\/[^/]*$/, '')}/${database}`,
    };
    const admin = new Kafka({ brokers: servers.kafkaBrokers, logLevel: 0 }).admin();
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const missing = ['organisation', 'personnel', 'evaluation', 'training'].map((s) => eventsTopic(s)).filter((t) => !existing.has(t));
    if (missing.length) await admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions: EVENTS_TOPIC_PARTITIONS })), waitForLeaders: true });
    await admin.disconnect();
    const config = loadConfig(env);
    organisation = await createHttpApp(rootModuleOf(config, [OrganisationModule]), { title: 'organisation', logger: false });
    connectConsumers(organisation, config);
    await startConsumers(organisation, config);
  });

  afterAll(async () => {
    await evaluation?.stop();
    await organisation?.close();
  });

  it('ends knowing every branch, each rating once', async () => {
    const org = await httpClient(organisation);
    const why = { reason: 'thử nghiệm', effectiveDate: '2015-01-01' };
    expect((await org.post('/units', { id: `${run}-tw`, kind: 'central', name: 'Trung ương Đoàn', ...why })).status).toBe(201);
    expect((await org.post('/units', { id: `${run}-xa`, kind: 'grassroots', name: 'Đoàn xã Châu Hạnh', parentId: `${run}-tw`, ...why })).status).toBe(201);
    // Independent requests, a few at once (as several officers would).
    await inParallel(branches, 4, async (id, i) => {
      expect((await org.post('/branches', { id, parentUnitId: `${run}-xa`, name: `Chi đoàn bản Số ${i + 1}`, area: { kind: 'village', name: `Số ${i + 1}` }, ...why })).status).toBe(201);
    });
    const port = await freePort();
    evaluation = new Fixture('test/evaluation/fixtures/evaluation-service.js', { env, group: `evaluation.subject-sync.${run}`, port });
    await evaluation.start();
    // Killed while it reads organisation's topic from its beginning (shared by every run: long), twice.
    await new Promise((r) => setTimeout(r, 300));
    await evaluation.restart();
    await new Promise((r) => setTimeout(r, 700));
    await evaluation.restart();
    expect(evaluation.kills).toBe(2);
    const base = `http://127.0.0.1:${port}/api/v1`;
    const rate = (subjectId: string) =>
      fetch(`${base}/ratings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ subjectType: 'branch', subjectId, year: 2020, scale: 'branch-classic', grade: 'good', stage: 'self-assessment', reason: 'tự đánh giá' }) });
    // A branch the replica does not know yet is refused (422, nothing appended): every branch is accepted in the end.
    const accepted = new Set<string>();
    await until('evaluation to know every branch', async () => {
      await inParallel(branches.filter((x) => !accepted.has(x)), 4, async (b) => {
        if ((await rate(b)).status === 201) accepted.add(b);
      });
      return accepted.size === branches.length;
    });
    // Each self-assessment once: a retried request after a refusal appended nothing.
    let stats: { items: Array<{ subjectId: string; history: unknown[] }> } = { items: [] };
    await until('the ratings read model to show them', async () => {
      stats = (await fetch(`${base}/ratings?year=2020&limit=500`).then((r) => r.json())) as typeof stats;
      return stats.items.length >= branches.length;
    });
    expect(stats.items.map((r) => [r.subjectId, r.history.length]).sort()).toEqual(branches.map((b) => [b, 1]).sort());
  });
});
