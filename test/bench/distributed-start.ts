/**
 * The distributed services' start-up and resident memory on a generated register (issue 21: "each
 * service starts in ≤ 30 s and holds ≤ 1 GB at province size").
 *
 *   DIST_START_DATA_DIR=<data folder of an embedded register> npm run bench:distributed-start
 *
 * The data folder is copied first (the copy is opened, never the folder given) and its logs copied
 * into a fresh PostgreSQL database (test/scale/copy-to-postgres.ts); the four services and the
 * gateway then start on it, each its own process (the compiled mains, as production runs them),
 * with a fresh Kafka topic namespace and fresh FerretDB databases, and the secrets of the data folder
 * (so that personnel's directory snapshot, taken under its fingerprint key, and the signed
 * checkpoints stay valid). Recorded per process, from its launch:
 * - ready: `GET /health/ready` answers 200;
 * - caught up: ready, and its relay has published its whole log (`<schema>.checkpoints` 'relay' at the
 *   log's head), each of its projections' checkpoints (FerretDB `_checkpoints`) at the head of the log
 *   it reads, and its consumer group has handled everything its topics hold beyond where it started
 *   (`register_consumer_messages_handled_total` against the topics' end offsets, after the relays
 *   of those topics are done);
 * - RSS (VmRSS) once all are caught up and 2 s more have passed, and the peak (VmHWM);
 * - V8's heap in use then, and the most seen by the poll during the start.
 * Then every process gets SIGTERM (the groups' snapshots are written at shutdown) and they start
 * again: the same figures. Last, the gateway verifies every log (POST /audit/verifications), and
 * the database, the topics and the FerretDB databases are dropped.
 *
 * Environment: DIST_START_DATA_DIR (required), REGISTER_PG_URL (a database on the server to create
 * the bench's database from; default the tests'), KAFKA_BROKERS, REGISTER_MONGO_URL (server only),
 * DIST_START_TIMEOUT_S (per start, 900), DIST_START_KEEP=1 (keep the database, topics and copies),
 * DIST_START_NODE_ARGS (more node options for the services, e.g. a heap limit as a deployment sets it).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash, createPrivateKey, randomBytes } from 'node:crypto';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { createConnection } from 'mongoose';
import { Client, Pool } from 'pg';
import { mintToken } from '@register/auth';
import { ensureTopics } from '@register/messaging';
import { copyToPostgres, SERVICES } from '../scale/copy-to-postgres';
import { freePort } from '../support/free-port';
import { ownChild } from './bench-util';

type Service = (typeof SERVICES)[number];
type Proc = Service | 'gateway';
const PROCS: Proc[] = [...SERVICES, 'gateway'];

/** Each process's consumer group and the services whose topics it reads (services/<s>/src/**\/*.consumer.ts). */
const GROUPS: Record<Proc, { group: string; reads: Service[] }> = {
  organisation: { group: 'organisation.people-sync', reads: ['personnel', 'evaluation'] },
  personnel: { group: 'personnel.branch-sync', reads: ['organisation', 'evaluation'] },
  training: { group: 'training.facts-sync', reads: ['organisation', 'personnel'] },
  evaluation: { group: 'evaluation.subject-sync', reads: ['organisation', 'personnel', 'training'] },
  gateway: { group: 'gateway.reports', reads: [...SERVICES] },
};

/** Each process's projections: the read-model database (`<base>_<store>`) and, per projection, the log it reads. */
const PROJECTIONS: Record<Proc, { store: string; logs: Record<string, Service> }> = {
  organisation: { store: 'organisation', logs: { 'unit-tree': 'organisation', 'branch-directory': 'organisation' } },
  personnel: { store: 'personnel', logs: { 'officer-posts': 'personnel', 'member-directory': 'personnel', 'personnel-reports': 'personnel' } },
  training: { store: 'training', logs: { 'training-mentors': 'training', 'training-competitions': 'training', 'training-courses': 'training' } },
  evaluation: { store: 'evaluation', logs: { 'support-visits': 'evaluation', commendations: 'evaluation', ratings: 'evaluation' } },
  gateway: { store: 'reporting', logs: { 'report-structure': 'organisation', 'report-membership': 'personnel', 'report-training': 'training', 'report-evaluation': 'evaluation' } },
};

const POLL_MS = 500;
const SETTLE_MS = 2000;

interface StartFigures {
  readyS?: number;
  caughtUpS?: number;
  rssMb?: number;
  peakMb?: number;
  /** V8's heap in use (prom-client's nodejs_heap_size_used_bytes) when the RSS is read: what the process holds, without the heap's slack. */
  heapMb?: number;
  /** The most heap in use seen by the poll during the start (garbage not yet collected included). */
  peakHeapMb?: number;
  handled?: number;
  expected?: number;
}

interface Running {
  proc: Proc;
  child: ChildProcess;
  port: number;
  metricsPort: number;
  startedAt: number;
  exited?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const secondsSince = (t: number) => Math.round((Date.now() - t) / 100) / 10;

function memoryOf(pid: number | undefined): { rssMb: number; peakMb: number } | undefined {
  if (!pid) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const given = process.env.DIST_START_DATA_DIR;
  if (!given || !existsSync(join(given, 'event-log'))) throw new Error('DIST_START_DATA_DIR must name the data folder of an embedded register (with event-log/)');
  const timeoutMs = Number(process.env.DIST_START_TIMEOUT_S ?? 900) * 1000;
  const keep = process.env.DIST_START_KEEP === '1';
  const serverPg = process.env.REGISTER_PG_URL ?? 'postgres://register:register@127.0.0.1:55432/register_test';
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const mongoServer = (process.env.REGISTER_MONGO_URL ?? 'mongodb://127.0.0.1:27017/').replace(/\/[^/]*$/, '');
  const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const database = `dstart_${stamp}`;
  const namespace = `dstart${stamp}`;
  const pgUrl = serverPg.replace(/\/[^/]+$/, `/${database}`);
  const mongoUrl = `${mongoServer}/${database}`;
  const work = mkdtempSync(join(tmpdir(), 'register-dstart-'));
  const distRoot = resolve(__dirname, '..', '..');
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    console.log(line);
  };

  // The copy: the folder given is never opened.
  const copy = join(work, 'data');
  let t0 = Date.now();
  cpSync(given, copy, { recursive: true });
  say(`copied ${given} to ${copy} in ${secondsSince(t0)} s`);

  const admin = new Client({ connectionString: serverPg });
  await admin.connect();
  await admin.query(`create database ${database}`);
  await admin.end();
  const kafka = new Kafka({ brokers, clientId: 'bench-distributed-start', logLevel: logLevel.NOTHING });
  const kafkaAdmin = kafka.admin();
  await kafkaAdmin.connect();
  const mongoConnection = await createConnection(`${mongoServer}/admin`).asPromise();
  const mongo = mongoConnection.getClient();
  // A pool: the poll asks several questions at once.
  const pg = new Pool({ connectionString: pgUrl, max: 4 });
  const running: Running[] = [];

  try {
    t0 = Date.now();
    const copied = await copyToPostgres(copy, pgUrl, (line) => say(`  ${line}`));
    say(`logs copied to PostgreSQL (${database}) in ${copied.seconds.toFixed(1)} s: ${SERVICES.map((s) => `${s} ${copied.events[s].postgres}`).join(', ')} events`);
    const heads = Object.fromEntries(SERVICES.map((s) => [s, copied.events[s].head])) as Record<Service, number>;

    // The data folder's secrets: its fingerprint key (personnel's namesake index in its directory
    // snapshot) and its log-signing seed (the signed checkpoints copied), as the embedded start kept them.
    const secret = (name: string) => readFileSync(join(copy, 'auth', name), 'utf8').trim();
    const seed = createHash('sha256').update(secret('log-signing-seed')).digest();
    const signingKey = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }).toString();
    const jwtSecret = secret('jwt-secret');
    const pathsFile = join(work, 'paths.js');
    writeFileSync(pathsFile, `require(${JSON.stringify(require.resolve('tsconfig-paths'))}).register({ baseUrl: ${JSON.stringify(distRoot)}, paths: { '@register/*': ['libs/*/src'] } });\n`);
    const ports = Object.fromEntries(await Promise.all(PROCS.map(async (p) => [p, { port: await freePort(), metrics: await freePort() }]))) as Record<Proc, { port: number; metrics: number }>;
    const baseEnv: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      REGISTER_MODE: 'distributed',
      EVENT_STORE: 'postgres',
      REGISTER_PG_URL: pgUrl,
      KAFKA_BROKERS: brokers.join(','),
      REGISTER_KAFKA_NAMESPACE: namespace,
      REGISTER_MONGO_URL: mongoUrl,
      REGISTER_INTERNAL_SECRET: randomBytes(32).toString('hex'),
      REGISTER_FINGERPRINT_SECRET: secret('fingerprint-secret'),
      REGISTER_LOG_SIGNING_KEY: signingKey,
      REGISTER_JWT_SECRET: jwtSecret,
      HOST: '127.0.0.1',
      METRICS_HOST: '127.0.0.1',
      ORGANISATION_URL: `http://127.0.0.1:${ports.organisation.port}`,
      PERSONNEL_URL: `http://127.0.0.1:${ports.personnel.port}`,
      TRAINING_URL: `http://127.0.0.1:${ports.training.port}`,
      EVALUATION_URL: `http://127.0.0.1:${ports.evaluation.port}`,
    };

    const nodeArgs = (process.env.DIST_START_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const launch = (proc: Proc, round: string): Running => {
      const dataDir = join(work, `dir-${proc}`);
      mkdirSync(dataDir, { recursive: true });
      const out = createWriteStream(join(work, `${proc}.${round}.log`));
      const child = ownChild(
        spawn(process.execPath, ['--max-semi-space-size=64', ...nodeArgs, '-r', pathsFile, join(distRoot, `services/${proc}/src/main.js`)], {
          cwd: work,
          env: { ...baseEnv, DATA_DIR: dataDir, PORT: String(ports[proc].port), METRICS_PORT: String(ports[proc].metrics) },
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      );
      child.stdout!.pipe(out);
      child.stderr!.pipe(out);
      const r: Running = { proc, child, port: ports[proc].port, metricsPort: ports[proc].metrics, startedAt: Date.now() };
      child.once('exit', (code, signal) => (r.exited = `${code ?? signal}`));
      return r;
    };

    const ready = async (r: Running) => {
      try {
        return (await fetch(`http://127.0.0.1:${r.port}/health/ready`, { signal: AbortSignal.timeout(3000) })).ok;
      } catch {
        return false;
      }
    };
    /** Messages the process's group has handled, and its heap in use (MB), from one read of its metrics. */
    const handled = async (r: Running): Promise<{ handled: number; heapMb?: number }> => {
      try {
        const lines = (await (await fetch(`http://127.0.0.1:${r.metricsPort}/metrics`, { signal: AbortSignal.timeout(3000) })).text()).split('\n');
        const heap = lines.find((l) => l.startsWith('nodejs_heap_size_used_bytes '));
        return {
          handled: lines.filter((l) => l.startsWith('register_consumer_messages_handled_total{')).reduce((sum, l) => sum + Number(l.split(' ').pop()), 0),
          heapMb: heap ? Math.round(Number(heap.split(' ').pop()) / 2 ** 20) : undefined,
        };
      } catch {
        return { handled: 0 };
      }
    };
    const heapUsedMb = async (r: Running): Promise<number | undefined> => {
      try {
        const text = await (await fetch(`http://127.0.0.1:${r.metricsPort}/metrics`, { signal: AbortSignal.timeout(3000) })).text();
        const line = text.split('\n').find((l) => l.startsWith('nodejs_heap_size_used_bytes '));
        return line ? Math.round(Number(line.split(' ').pop()) / 2 ** 20) : undefined;
      } catch {
        return undefined;
      }
    };
    const topicOf = (s: Service) => `register.${namespace}.${s}.events`;
    const relayAt = async (s: Service): Promise<number> => {
      try {
        const { rows } = await pg.query<{ position: string }>(`select position from ${s}.checkpoints where name = 'relay'`);
        return rows.length ? Number(rows[0].position) : 0;
      } catch {
        return 0;
      }
    };
    const topicEnds = async (s: Service): Promise<Map<number, { low: number; high: number }>> => {
      try {
        const offsets = await kafkaAdmin.fetchTopicOffsets(topicOf(s));
        return new Map(offsets.map((o) => [o.partition, { low: Number(o.low), high: Number(o.high) }]));
      } catch {
        return new Map();
      }
    };
    const projectionsAt = async (p: Proc): Promise<Record<string, number>> => {
      const docs = await mongo.db(`${database}_${PROJECTIONS[p].store}`).collection<{ _id: string; position: number }>('_checkpoints').find({}).toArray();
      return Object.fromEntries(docs.map((d) => [String(d._id), Number(d.position)]));
    };
    /** The group's saved offsets (`topic:partition` → last handled), read before a start. */
    const savedOffsets = async (p: Proc): Promise<Record<string, number>> => {
      const schema = p === 'gateway' ? undefined : p;
      if (!schema) return committedOffsets(p);
      const { rows } = await pg.query<{ offsets: Record<string, number> }>(`select meta->'offsets' as offsets from ${schema}.chunked_states where owner = $1`, [`group:${namespace}.${GROUPS[p].group}`]).catch(() => ({ rows: [] as Array<{ offsets: Record<string, number> }> }));
      return rows[0]?.offsets ?? {};
    };

    /** A group that commits its offsets to Kafka (the gateway's, which keeps no snapshot): the committed offset is the next to read. */
    const committedOffsets = async (p: Proc): Promise<Record<string, number>> => {
      const topics = GROUPS[p].reads.map(topicOf);
      const found = await kafkaAdmin.fetchOffsets({ groupId: `${namespace}.${GROUPS[p].group}`, topics }).catch(() => []);
      return Object.fromEntries(found.flatMap((t) => t.partitions.filter((x) => Number(x.offset) >= 0).map((x) => [`${t.topic}:${x.partition}`, Number(x.offset) - 1])));
    };

    /** One start of every process: waits until each is ready and caught up, then measures. */
    const startAll = async (round: string): Promise<Record<Proc, StartFigures>> => {
      const saved = Object.fromEntries(await Promise.all(PROCS.map(async (p) => [p, await savedOffsets(p)]))) as Record<Proc, Record<string, number>>;
      const figures = Object.fromEntries(PROCS.map((p) => [p, {} as StartFigures])) as Record<Proc, StartFigures>;
      const started = Date.now();
      for (const p of PROCS) running.push(launch(p, round));
      const current = running.slice(-PROCS.length);
      const loads: number[] = [];
      while (PROCS.some((p) => figures[p].caughtUpS === undefined)) {
        if (Date.now() - started > timeoutMs) throw new Error(`${round}: not every process caught up in ${timeoutMs / 1000} s: ${JSON.stringify(figures)}`);
        const dead = current.find((r) => r.exited !== undefined);
        if (dead) throw new Error(`${round}: ${dead.proc} exited (${dead.exited}); see ${join(work, `${dead.proc}.${round}.log`)}`);
        loads.push(loadavg()[0]);
        const relays = Object.fromEntries(await Promise.all(SERVICES.map(async (s) => [s, (await relayAt(s)) >= heads[s]]))) as Record<Service, boolean>;
        const ends = Object.fromEntries(await Promise.all(SERVICES.map(async (s) => [s, await topicEnds(s)]))) as Record<Service, Map<number, { low: number; high: number }>>;
        await Promise.all(
          current.map(async (r) => {
            const f = figures[r.proc];
            if (f.caughtUpS !== undefined) return;
            // the metrics answer before the process is ready: the heap is sampled through the catch-up too
            const { handled: got, heapMb } = await handled(r);
            if (heapMb !== undefined) f.peakHeapMb = Math.max(f.peakHeapMb ?? 0, heapMb);
            if (f.readyS === undefined && (await ready(r))) f.readyS = secondsSince(r.startedAt);
            if (f.readyS === undefined) return;
            const own = r.proc === 'gateway' || relays[r.proc];
            const projections = await projectionsAt(r.proc);
            const projected = Object.entries(PROJECTIONS[r.proc].logs).every(([name, log]) => (projections[name] ?? -1) >= heads[log]);
            const { reads } = GROUPS[r.proc];
            const sourcesDone = reads.every((s) => relays[s]);
            const expected = reads.reduce((sum, s) => sum + [...ends[s]].reduce((n, [partition, { low, high }]) => n + Math.max(0, high - Math.max(low, (saved[r.proc][`${topicOf(s)}:${partition}`] ?? -1) + 1)), 0), 0);
            f.handled = got;
            f.expected = expected;
            if (own && projected && sourcesDone && got >= expected) f.caughtUpS = secondsSince(r.startedAt);
          }),
        );
        await sleep(POLL_MS);
      }
      await sleep(SETTLE_MS);
      for (const r of current) Object.assign(figures[r.proc], memoryOf(r.child.pid), { heapMb: await heapUsedMb(r) });
      const heads2 = await Promise.all(SERVICES.map(async (s) => Number((await pg.query<{ m: string }>(`select coalesce(max(position), 0)::text as m from ${s}.events`)).rows[0].m)));
      say(`${round}: load average during the start ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} (1-minute); logs' heads after it ${SERVICES.map((s, i) => `${s} ${heads2[i]}`).join(', ')}`);
      return figures;
    };

    const stopAll = async (round: string) => {
      const t = Date.now();
      const current = running.splice(0);
      await Promise.all(
        current.map(
          (r) =>
            new Promise<void>((done) => {
              if (r.exited !== undefined) return done();
              r.child.once('exit', () => done());
              r.child.kill('SIGTERM');
            }),
        ),
      );
      const { rows } = await pg.query<{ service: string; bytes: string; offsets: Record<string, number> }>(
        SERVICES.map((s) => `select '${s}' as service, (select sum(length(c.body)) from ${s}.state_chunks c where c.owner = g.owner and c.token = g.token)::text as bytes, meta->'offsets' as offsets from ${s}.chunked_states g where g.owner like 'group:%'`).join(' union all '),
      );
      say(`${round}: all stopped (SIGTERM) in ${secondsSince(t)} s; group snapshots: ${rows.map((r) => `${r.service} ${(Number(r.bytes) / 1e6).toFixed(1)} MB`).join(', ')}`);
    };

    // The events topics made before the first start, as production's are (deploy/kafka): five
    // processes creating the same new topics at once can fail one of them (UNKNOWN_TOPIC_OR_PARTITION
    // while the topic's leader is elected; seen once on this bench), which is not what is measured here.
    await ensureTopics(kafka, SERVICES.map((s) => ({ topic: topicOf(s) })));
    const first = await startAll('first');
    await stopAll('first');
    const again = await startAll('restart');

    // The copied logs still verify (hash chain and the signed checkpoints), through the gateway.
    const token = await mintToken(jwtSecret, { sub: 'bench-auditor', roles: ['auditor', 'central-admin'], ttlSeconds: 600 });
    t0 = Date.now();
    const verification = await fetch(`http://127.0.0.1:${ports.gateway.port}/api/v1/audit/verifications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const verdict = (await verification.json()) as { ok?: boolean; logs?: Array<{ service: string; ok: boolean; problems: unknown[]; error?: string }> };
    say(`verification (POST /audit/verifications): ${verification.status} ok=${verdict.ok} in ${secondsSince(t0)} s ${JSON.stringify(verdict.logs?.map((l) => ({ service: l.service, ok: l.ok, problems: l.problems?.length, error: l.error })))}`);
    await stopAll('restart');

    const cell = (f: StartFigures) => [f.readyS?.toFixed(1) ?? '-', f.caughtUpS?.toFixed(1) ?? '-', `${f.rssMb ?? '-'} (${f.peakMb ?? '-'})`, `${f.heapMb ?? '-'} (${f.peakHeapMb ?? '-'})`];
    const header = ['service', 'first: ready s', 'caught up s', 'RSS MB (peak)', 'heap MB (peak)', 'handled', 'restart: ready s', 'caught up s', 'RSS MB (peak)', 'heap MB (peak)', 'handled'];
    const rows = PROCS.map((p) => [p, ...cell(first[p]), String(first[p].handled ?? '-'), ...cell(again[p]), String(again[p].handled ?? '-')]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
    say('');
    say(line(header));
    for (const r of rows) say(line(r));
    writeFileSync(join(work, 'result.json'), JSON.stringify({ database, namespace, heads, copySeconds: copied.seconds, first, restart: again, lines }, null, 2));
    console.log(`\nprocess logs and result.json in ${work}`);
  } finally {
    for (const r of running) if (r.exited === undefined) r.child.kill('SIGKILL');
    await pg.end().catch(() => undefined);
    if (!keep) {
      const topics = (await kafkaAdmin.listTopics()).filter((t) => t.startsWith(`register.${namespace}.`));
      if (topics.length) await kafkaAdmin.deleteTopics({ topics }).catch((e: Error) => console.warn(`topics not deleted: ${e.message}`));
      const groups = (await kafkaAdmin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${namespace}.`));
      if (groups.length) await kafkaAdmin.deleteGroups(groups).catch(() => undefined);
      const dbs = (await mongo.db('admin').admin().listDatabases()).databases.map((d) => d.name).filter((n) => n === database || n.startsWith(`${database}_`));
      for (const name of dbs) await mongo.db(name).dropDatabase();
      const drop = new Client({ connectionString: serverPg });
      await drop.connect();
      await drop.query(`drop database if exists ${database} with (force)`);
      await drop.end();
      rmSync(copy, { recursive: true, force: true });
      console.log(`dropped ${database} (PostgreSQL, FerretDB ${dbs.length} databases) and the namespace's topics; removed the copy`);
    }
    await kafkaAdmin.disconnect();
    await mongoConnection.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
