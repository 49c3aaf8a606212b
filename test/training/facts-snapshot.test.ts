import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { actorHeaders } from '@register/auth';
import { createHttpApp, loadConfig, rootModuleOf } from '@register/service-kit';
import { OrganisationModule } from '../../services/organisation/src/organisation.module';
import { buildFixtures } from '../messaging/processes';
import { freePort } from '../support/free-port';
import { httpClient } from '../support/http';
import { inParallel } from '../support/in-parallel';
import { servers, uniqueName } from '../support/servers';
import { ServiceChild } from '../support/service-child';

const SECRET = 'training-facts-snapshot-secret';
const FIRST = 12;
const LATER = 8;

async function until(done: () => Promise<boolean>, what: string, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await done().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Training's answer on compliance, with the register's central administrator. */
async function compliance(training: ServiceChild, unitId: string) {
  const r = await fetch(`http://127.0.0.1:${training.port}/api/v1/training-compliance?unitId=${unitId}&year=2025`, { headers: actorHeaders(SECRET, { id: 'admin', roles: ['central-admin'] } as never) });
  return { status: r.status, body: await r.json() };
}

/**
 * Training's in-memory group (training.facts-sync) resumes from its snapshot in its own PostgreSQL
 * database (issue 21): a start after a clean stop answers the same and handles none of the earlier
 * events; after a SIGKILL that follows a periodic snapshot it knows every event; a snapshot of
 * another part version is ignored and the whole topics are read again.
 */
describe('training: its in-memory consumer group resumes from a snapshot', () => {
  const run = uniqueName('tf').replace(/_/g, '');
  const namespace = process.env.REGISTER_KAFKA_NAMESPACE;
  const apps: INestApplication[] = [];
  let training: ServiceChild;
  let pgUrl: string;
  let org: Awaited<ReturnType<typeof httpClient>>;
  let units = 0;

  /** `n` more units, 4 requests at once (independent units: the order of the log is not this test's subject). */
  const addUnits = async (n: number) => {
    const numbers = Array.from({ length: n }, (_, i) => units + i);
    units += n;
    await inParallel(numbers, 4, async (u) => {
      const r = await org.post('/units', { id: `${run}u${u}`, kind: 'grassroots', name: `Đoàn xã ${u}`, parentId: `${run}tw`, reason: 'thành lập', effectiveDate: '2025-01-01' });
      if (r.status !== 201) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
    });
  };
  const knowsAll = async () => (await Promise.all(Array.from({ length: units }, (_, i) => compliance(training, `${run}u${i}`)))).every((r) => r.status === 200);
  const answers = async () => Promise.all([`${run}tw`, ...Array.from({ length: units }, (_, i) => `${run}u${i}`)].map((id) => compliance(training, id)));
  const sql = async <T>(text: string): Promise<T[]> => {
    const pg = new Client({ connectionString: pgUrl });
    await pg.connect();
    try {
      return (await pg.query(text)).rows as T[];
    } finally {
      await pg.end();
    }
  };

  /** The sum of the saved offsets: it grows with each snapshot that includes more. */
  const savedUpTo = async () => {
    const rows = await sql<{ offsets: Record<string, number> }>(`select meta->'offsets' as offsets from training.chunked_states where owner like 'group:%'`);
    return rows.length ? Object.values(rows[0].offsets).reduce((a, b) => a + b, 0) : 0;
  };

  beforeAll(async () => {
    buildFixtures();
    const database = uniqueName('training_snap');
    const pg = new Client({ connectionString: servers.postgresUrl });
    await pg.connect();
    await pg.query(`create database ${database}`);
    await pg.end();
    pgUrl = servers.postgresUrl.replace(/\/[^/]+$/, `/${database}`);
    const port = await freePort();
    const env = {
      REGISTER_MODE: 'distributed',
      EVENT_STORE: 'postgres',
      REGISTER_PG_URL: pgUrl,
      KAFKA_BROKERS: servers.kafkaBrokers.join(','),
      REGISTER_MONGO_URL: `${servers.mongoUrl.replace(/\/[^/]*$/, '')}/${database}`,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'register-training-snap-')),
      REGISTER_INTERNAL_SECRET: SECRET,
      PORT: String(port),
      REGISTER_KAFKA_NAMESPACE: run,
      REGISTER_SNAPSHOT_EVERY_SECONDS: '1',
    };
    process.env.REGISTER_INTERNAL_SECRET = SECRET;
    process.env.REGISTER_KAFKA_NAMESPACE = run;
    delete process.env.REGISTER_RELAY;
    const organisation = await createHttpApp(rootModuleOf(loadConfig(env), [OrganisationModule]), { title: 'organisation', logger: false });
    apps.push(organisation);
    org = await httpClient(organisation);
    const r = await org.post('/units', { id: `${run}tw`, kind: 'central', name: 'Trung ương Đoàn', reason: 'khởi tạo', effectiveDate: '2025-01-01' });
    expect(r.status).toBe(201);
    const metricsPort = await freePort();
    training = new ServiceChild('training', env, port, metricsPort);
  }, 300_000);

  afterAll(async () => {
    await training?.stop('SIGKILL');
    for (const app of apps.reverse()) await app.close();
    if (namespace === undefined) delete process.env.REGISTER_KAFKA_NAMESPACE;
    else process.env.REGISTER_KAFKA_NAMESPACE = namespace;
  });

  it('resumes after a clean stop and after a SIGKILL, and reads everything again for a part of another version', async () => {
    await addUnits(FIRST);
    await training.start('ready');
    await until(knowsAll, `training to know the first ${FIRST} units`);
    const before = await answers();
    expect(await training.handled()).toBeGreaterThanOrEqual(FIRST + 1);

    // A clean stop, a start: the same answers, none of the first events handled again.
    await training.stop('SIGTERM');
    const afterStop = await savedUpTo();
    expect(afterStop).toBeGreaterThan(0);
    await training.start('ready');
    expect(await answers()).toEqual(before);
    await addUnits(1);
    await until(knowsAll, 'training to know one more unit');
    expect(await training.handled()).toBe(1);

    // A periodic snapshot that includes that unit, more units, a SIGKILL: the restart knows them all and reads only what followed the snapshot.
    await until(async () => (await savedUpTo()) > afterStop, 'a periodic snapshot with the new unit');
    await addUnits(LATER);
    await until(knowsAll, `training to know ${LATER} more units`);
    await training.stop('SIGKILL');
    await training.start('ready');
    await until(knowsAll, 'training to know every unit after the SIGKILL');
    expect(await training.handled()).toBeLessThanOrEqual(LATER);
    const all = await answers();

    // A snapshot of another version of every part: nothing restored, the whole topics read again, the same answers.
    await training.stop('SIGKILL');
    await sql(`update training.chunked_states set meta = jsonb_set(meta, '{versions}', (select jsonb_object_agg(key, 0) from jsonb_each(meta->'versions'))) where owner like 'group:%'`);
    await training.start('ready');
    await until(knowsAll, 'training to know every unit from the whole topics');
    expect(await training.handled()).toBeGreaterThanOrEqual(1 + FIRST + 1 + LATER);
    expect(await answers()).toEqual(all);
  }, 600_000);
});
