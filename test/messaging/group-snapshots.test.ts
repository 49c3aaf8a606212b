import { Kafka } from 'kafkajs';
import { postgresClient, SqlClient, SqlGroupSnapshots } from '@register/event-store';
import { createKafka, eventsTopic, instanceGroup, ReliableKafkaServer } from '@register/messaging';
import { GroupSnapshots, SnapshotPart } from '@register/service-kit';
import { servers, uniqueName } from '../support/servers';
import { until } from './processes';

jest.setTimeout(180_000);

/** A replica as the services' are: the ids it applied, each applied once (redeliveries skipped by id). */
class IdsReplica implements SnapshotPart {
  readonly snapshotName = 'test.ids-replica';
  ids = new Set<string>();
  constructor(readonly snapshotVersion = 1) {}
  apply(id: string) {
    this.ids.add(id);
  }
  snapshotState() {
    return new Set(this.ids);
  }
  restoreState(state: unknown) {
    this.ids = new Set(state as Set<string>);
  }
}

/**
 * An in-memory group resumes from its snapshot (real Kafka, real PostgreSQL): the replica's state
 * saved with the offsets it includes, the offsets committed only after; a start reads what came
 * after only. Without the snapshot every start handles the whole topic again.
 */
describe('an in-memory consumer group kept in a snapshot (real broker and database)', () => {
  const topic = eventsTopic(uniqueName('gsnap').toLowerCase());
  const group = uniqueName('gsnap-group');
  const schema = uniqueName('gsnap').toLowerCase();
  let kafka: Kafka;
  let sql: SqlClient;
  let store: SqlGroupSnapshots;
  let sent = 0;
  const running: ReliableKafkaServer[] = [];

  beforeAll(async () => {
    kafka = createKafka({ brokers: servers.kafkaBrokers, clientId: 'gsnap-test', logLevel: 'nothing' });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();
    sql = postgresClient({ connectionString: servers.postgresUrl });
    store = await SqlGroupSnapshots.open(sql, schema, 64); // parts of 64 bytes: every saved state is in several
  });

  afterAll(async () => {
    for (const server of running) await server.close().catch(() => undefined);
    await sql.exec(`drop schema if exists ${schema} cascade`);
    await sql.close();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  async function publish(n: number) {
    const producer = kafka.producer();
    await producer.connect();
    const messages = Array.from({ length: n }, () => ({ key: `k${sent % 7}`, value: JSON.stringify({ id: `e${sent++}` }) }));
    await producer.send({ topic, messages });
    await producer.disconnect();
  }

  /** `instance`: the process's REGISTER_INSTANCE_ID, as connectConsumers names its group (instanceGroup). */
  async function start(version = 1, instance?: string) {
    const replica = new IdsReplica(version);
    const own = instance ? instanceGroup(group, { REGISTER_INSTANCE_ID: instance }) : group;
    const snapshots = new GroupSnapshots(own, () => [replica], async () => store, 0, group);
    const server = new ReliableKafkaServer({ brokers: servers.kafkaBrokers, group: own, logLevel: 'nothing', resumable: snapshots, commitOffsets: false });
    snapshots.attach(server);
    server.addHandler(topic, async (data: { id: string }) => replica.apply(data.id), true);
    await new Promise<void>((resolve, reject) => server.listen((error?: unknown) => (error ? reject(error) : resolve())));
    running.push(server);
    return { replica, snapshots, server };
  }

  const all = () => Array.from({ length: sent }, (_, i) => `e${i}`).sort();

  it('after a clean stop, a start answers the same and handles none of the first messages again', async () => {
    await publish(30);
    const first = await start();
    expect(first.snapshots.restored).toBe(false);
    await until('the first 30 applied', () => first.replica.ids.size === 30);
    expect(first.server.handled).toBe(30);
    await first.server.close(); // the shutdown snapshot

    const { rows } = await sql.query<{ parts: number }>(`select count(*)::int as parts from ${schema}.state_chunks`);
    expect(rows[0].parts).toBeGreaterThan(2);
    const second = await start();
    expect(second.snapshots.restored).toBe(true);
    expect([...second.replica.ids].sort()).toEqual(all());
    await publish(1);
    await until('the new message applied', () => second.replica.ids.size === 31);
    expect(second.server.handled).toBe(1);
    await second.server.close();
  });

  it('after a crash that follows a periodic snapshot, a start has every message and handles the later ones only', async () => {
    const third = await start();
    expect(third.snapshots.restored).toBe(true);
    await publish(5);
    await until('5 more applied', () => third.replica.ids.size === 36);
    expect(third.server.handled).toBe(5); // the partitions the last start left untouched resumed from the snapshot too
    expect(await third.snapshots.snapshot('periodic')).toBe(true);
    await publish(10);
    await until('10 more applied', () => third.replica.ids.size === 46);
    third.snapshots.abandon(); // as if killed: no snapshot at close, nothing more committed
    await third.server.close();
    // The group's committed offsets are the saved ones + 1: committed after the row, never past it.
    const saved = (await store.load(group))!.offsets;
    const admin = kafka.admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    await admin.disconnect();
    expect(Object.fromEntries(committed.partitions.map((p) => [`${topic}:${p.partition}`, Number(p.offset) - 1]))).toEqual(saved);

    const fourth = await start();
    expect(fourth.snapshots.restored).toBe(true);
    await until('the messages after the periodic snapshot applied again', () => fourth.server.handled >= 10);
    expect([...fourth.replica.ids].sort()).toEqual(all());
    expect(fourth.server.handled).toBe(10);
    await fourth.server.close();
  });

  it('a snapshot of another part version is ignored: the whole topic is read again', async () => {
    const fifth = await start(2);
    expect(fifth.snapshots.restored).toBe(false);
    expect(fifth.snapshots.notRestoredBecause).toBe('the snapshot has test.ids-replica version 1, not 2');
    await until('the whole topic applied', () => fifth.replica.ids.size === sent);
    expect([...fifth.replica.ids].sort()).toEqual(all());
    expect(fifth.server.handled).toBe(sent);
    await fifth.server.close();
    const row = await store.load(group);
    expect(row?.versions).toEqual({ 'test.ids-replica': 2 });
  });

  it('a process given partitions that another process of the group handled and committed (a rolling update, a rebalance) reads them from where its own state stands', async () => {
    const old = await start(2);
    await publish(5);
    await until('the old process up to date', () => old.replica.ids.size === sent);
    const next = await start(2); // the group's partitions now split between the two
    await publish(20);
    await until('the two together have every message', () => new Set([...old.replica.ids, ...next.replica.ids]).size === sent);
    await old.server.close(); // its snapshot and commits: past what the new process's state includes
    await until('the new process has every message', () => next.replica.ids.size === sent);
    // Once more: partitions taken from it and given back, after another process handled and committed past it.
    const other = await start(2);
    await publish(20);
    await until('the two together have every message again', () => new Set([...other.replica.ids, ...next.replica.ids]).size === sent);
    await other.server.close();
    await until('the new process has every message again', () => next.replica.ids.size === sent);
    expect([...next.replica.ids].sort()).toEqual(all());
    await next.server.close();
  });

  it('a group whose snapshots are turned off reads the whole topic again, whatever the group committed', async () => {
    const ids = new Set<string>();
    const server = new ReliableKafkaServer({ brokers: servers.kafkaBrokers, group, logLevel: 'nothing', commitOffsets: false });
    server.addHandler(topic, async (data: { id: string }) => void ids.add(data.id), true);
    await new Promise<void>((resolve, reject) => server.listen((error?: unknown) => (error ? reject(error) : resolve())));
    running.push(server);
    await until('the whole topic read', () => ids.size === sent);
    expect(server.handled).toBe(sent);
    await server.close();
  });

  it('instances in groups of their own each apply every message, and a new instance starts from the newest of their snapshots', async () => {
    const a = await start(2, 'personnel-0');
    const b = await start(2, 'personnel-1');
    await publish(12);
    // In one shared group Kafka would split the 3 partitions between them.
    await until('each instance has every message', () => a.replica.ids.size === sent && b.replica.ids.size === sent);
    // Neither had a snapshot of its own: each started from the group's (the tests above), so read the 12 only.
    expect([a.snapshots.restored, b.snapshots.restored]).toEqual([true, true]);
    expect([a.server.handled, b.server.handled]).toEqual([12, 12]);
    await a.server.close();
    await publish(3);
    await until('b has the 3 more', () => b.replica.ids.size === sent);
    await b.server.close(); // saved after a's: the newest
    const c = await start(2, 'personnel-2');
    expect(c.snapshots.restored).toBe(true);
    await publish(1);
    await until('c has every message', () => c.replica.ids.size === sent);
    expect(c.server.handled).toBe(1); // b's snapshot held the rest
    await c.server.close();
    expect(await store.newestOfFamily(group)).toBe(instanceGroup(group, { REGISTER_INSTANCE_ID: 'personnel-2' }));

    // An instance gone for more than an hour (its pod replaced under another name): the next save drops its snapshot, parts and all.
    const gone = `group:${instanceGroup(group, { REGISTER_INSTANCE_ID: 'personnel-0' })}`;
    await sql.query(`update ${schema}.chunked_states set saved_at = now() - interval '2 hours' where owner = $1`, [gone]);
    // And a part of a save that never became current (a pod killed mid-save), two hours ago.
    const killed = `group:${instanceGroup(group, { REGISTER_INSTANCE_ID: 'personnel-9' })}`;
    await sql.query(`insert into ${schema}.state_chunks (owner, token, seq, body, written_at) values ($1, $2, 0, '\\x00', now() - interval '2 hours')`, [killed, crypto.randomUUID()]);
    const d = await start(2, 'personnel-2');
    await publish(1);
    await until('d has every message', () => d.replica.ids.size === sent);
    await d.server.close();
    const left = async (table: string) => (await sql.query<{ n: number }>(`select count(*)::int as n from ${schema}.${table} where owner = $1`, [gone])).rows[0].n;
    expect([await left('chunked_states'), await left('state_chunks')]).toEqual([0, 0]);
    expect((await sql.query<{ n: number }>(`select count(*)::int as n from ${schema}.state_chunks where owner = $1`, [killed])).rows[0].n).toBe(0);
    expect(await store.load(instanceGroup(group, { REGISTER_INSTANCE_ID: 'personnel-1' }))).toBeDefined(); // saved within the hour: kept
  });
});
