import { INestApplication } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actorHeaders } from '@register/auth';
import { EventStore } from '@register/event-sourcing';
import { eventsTopic } from '@register/messaging';
import { createHttpApp, loadConfig, RegisterConfig, rootModuleOf } from '@register/service-kit';
import { ORGANISATION_STORE } from '../../services/organisation/src/application/tokens';
import { OrganisationModule } from '../../services/organisation/src/organisation.module';
import { PersonnelModule } from '../../services/personnel/src/personnel.module';
import { OrganisationReactions } from '../../services/personnel/src/reactions/organisation-reactions.service';
import { handOver } from '../gateway/gateway-app';
import { buildFixtures } from '../messaging/processes';
import { freePort } from '../support/free-port';
import { httpClient } from '../support/http';
import { inParallel } from '../support/in-parallel';
import { servers, uniqueName } from '../support/servers';
import { ServiceChild } from '../support/service-child';

const SECRET = 'training-sigkill-test-secret';
const BRANCHES = 40;
const MERGERS = 20;
/** Training's API, on a port found free in beforeAll. */
let base = '';

async function call(method: string, path: string, body?: unknown) {
  const r = await fetch(base + path, { method, headers: { ...actorHeaders(SECRET, { id: 'admin', roles: ['central-admin'] } as never), 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined };
}

async function until(done: () => Promise<boolean>, what: string, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await done().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Training's consumer SIGKILLed mid-stream and restarted (the messaging library's pattern: the
 * service's compiled main as a child process). Organisation publishes 20 mergers over Kafka while
 * training's process is killed after the first few; restarted, it replays the topics (an in-memory
 * group; topics and groups are this run's own, REGISTER_KAFKA_NAMESPACE), and every absorbed branch's mentor assignment ends exactly once: nothing lost, nothing
 * applied twice.
 */
describe('training: its consumer SIGKILLed mid-stream and restarted', () => {
  const run = uniqueName('tk').replace(/_/g, '');
  const namespace = process.env.REGISTER_KAFKA_NAMESPACE;
  const apps: INestApplication[] = [];
  let training: ServiceChild;
  let orgLog: EventStore;
  let config: RegisterConfig;
  let org: Awaited<ReturnType<typeof httpClient>>;

  beforeAll(async () => {
    buildFixtures();
    const database = uniqueName('training_kill');
    const pg = new Client({ connectionString: servers.postgresUrl });
    await pg.connect();
    await pg.query(`create database ${database}`);
    await pg.end();
    const port = await freePort();
    base = `http://127.0.0.1:${port}/api/v1`;
    const env = {
      REGISTER_MODE: 'distributed',
      EVENT_STORE: 'postgres',
      REGISTER_PG_URL: servers.postgresUrl.replace(/\/[^/]+$/, `/${database}`),
      KAFKA_BROKERS: servers.kafkaBrokers.join(','),
      REGISTER_MONGO_URL: `${servers.mongoUrl.replace(/\/[^/]*$/, '')}/${database}`,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'register-training-kill-')),
      REGISTER_INTERNAL_SECRET: SECRET,
      PORT: String(port),
      // This run's own topics and consumer groups: two runs on one broker never share training's group.
      REGISTER_KAFKA_NAMESPACE: run,
    };
    config = loadConfig(env);
    process.env.REGISTER_INTERNAL_SECRET = SECRET;
    process.env.REGISTER_KAFKA_NAMESPACE = run;
    delete process.env.REGISTER_RELAY;
    // Organisation and personnel publish (relays on); personnel learns the branches by hand-over.
    const organisation = await createHttpApp(rootModuleOf(config, [OrganisationModule]), { title: 'organisation', logger: false });
    const personnel = await createHttpApp(rootModuleOf(config, [PersonnelModule]), { title: 'personnel', logger: false });
    apps.push(organisation, personnel);
    orgLog = organisation.get<EventStore>(ORGANISATION_STORE);
    org = await httpClient(organisation);
    const per = await httpClient(personnel);
    const ok = async (p: Promise<{ status: number; body: unknown }>) => {
      const r = await p;
      if (r.status !== 201) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
    };
    const why = { reason: 'khởi tạo', effectiveDate: '2025-01-01' };
    await ok(org.post('/units', { id: `${run}tw`, kind: 'central', name: 'Trung ương Đoàn', ...why }));
    await ok(org.post('/units', { id: `${run}xa`, kind: 'grassroots', name: 'Đoàn xã Tiền Phong', parentId: `${run}tw`, ...why }));
    // Independent requests, a few at once (as several officers would): the order of the log is not this test's subject.
    await inParallel([...Array(BRANCHES).keys()], 4, (i) => ok(org.post('/branches', { id: `${run}b${i}`, parentUnitId: `${run}xa`, name: `Chi đoàn bản ${'abcdefghij'[i % 10]}${'abcdefghij'[Math.floor(i / 10)]}`, area: { kind: 'village', name: `Bản ${i}x` }, ...why })));
    await handOver(orgLog, personnel.get(OrganisationReactions))();
    await inParallel([...Array(BRANCHES).keys()], 4, (i) =>
      ok(per.post('/members', { id: `${run}m${i}`, branchId: `${run}b${i}`, fullName: 'Lò Văn Thắng', dateOfBirth: '2000-01-01', gender: 'male', admittedOn: '2025-02-01', reason: 'kết nạp', effectiveDate: '2025-02-01' })),
    );
    training = new ServiceChild('training', env, port, await freePort());
    await training.start();
  }, 300_000);

  afterAll(async () => {
    await training?.stop('SIGKILL');
    for (const app of apps.reverse()) await app.close();
    if (namespace === undefined) delete process.env.REGISTER_KAFKA_NAMESPACE;
    else process.env.REGISTER_KAFKA_NAMESPACE = namespace;
  });

  it('ends every absorbed branch’s mentor assignment exactly once', async () => {
    const assign = (i: number) => call('POST', '/mentor-assignments', { id: `${run}a${i}`, branchId: `${run}b${i}`, mentorMemberId: `${run}m${i + MERGERS}`, startsOn: '2025-07-01', reason: 'phân công' });
    await until(async () => (await assign(0)).status === 201, 'training to learn the branches and members');
    await inParallel([...Array(MERGERS).keys()].slice(1), 4, async (i) => expect((await assign(i)).status).toBe(201));
    for (let i = 0; i < MERGERS; i++) {
      const r = await org.post('/branch-mergers', { sourceBranchIds: [`${run}b${i}`], into: { branchId: `${run}b${i + MERGERS}` }, reason: 'sáp nhập bản', effectiveDate: '2025-12-01' });
      expect(r.status).toBe(201);
      if (i === 4) await training.stop('SIGKILL');
      if (i === 9) await training.start();
    }
    const ended = async () => {
      const all = await Promise.all(Array.from({ length: MERGERS }, (_, i) => call('GET', `/branches/${run}b${i}/mentors`)));
      return all.filter((r) => r.body?.items?.[0]?.status === 'ended').length;
    };
    await until(async () => (await ended()) === MERGERS, 'every assignment to end');
    // Once more from the start: SIGKILLed again, restarted, it replays every event; nothing more is appended.
    await training.restart();
    // Replayed once it has handled as many messages as the two topics it reads hold (a fixed 5 s wait before).
    const admin = new Kafka({ brokers: servers.kafkaBrokers, logLevel: 0 }).admin();
    await admin.connect();
    const onTopics = async () => (await Promise.all(['organisation', 'personnel'].map((s) => admin.fetchTopicOffsets(eventsTopic(s))))).flat().reduce((n, p) => n + Number(p.high), 0);
    await until(async () => (await training.handled()) >= (await onTopics()), 'training to replay both topics');
    await admin.disconnect();
    const pg = new Client({ connectionString: config.postgresUrl });
    await pg.connect();
    const schemaOf = await pg.query(`select table_schema from information_schema.tables where table_name = 'events' and table_schema like '%training%'`);
    const endings = await pg.query(`select stream_id, count(*)::int as n from "${schemaOf.rows[0].table_schema}".events where type = 'MentorAssignmentEnded' group by stream_id`);
    await pg.end();
    const twice = endings.rows.filter((r: { n: number }) => r.n !== 1).length;
    console.log(`training SIGKILLed ${training.kills}x mid-stream: ${endings.rows.length} of ${MERGERS} assignments ended, ${twice} ended twice`);
    expect({ ended: endings.rows.length, twice, endedNow: await ended() }).toEqual({ ended: MERGERS, twice: 0, endedNow: MERGERS });
  }, 600_000);
});
