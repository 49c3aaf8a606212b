import { EventStore, LiveAggregate, Snapshots } from '@register/event-sourcing';
import { createPglite, openPostgresEventStore, pgliteClient, postgresClient, SqlClient, SqlEventStore, SqlSnapshotStore } from '@register/event-store';
import { branchMeeting, MeetingState } from '../../libs/event-sourcing/src/example/branch-meeting';
import { servers, uniqueName } from '../support/servers';

const codec = { encode: (s: MeetingState) => s, decode: (j: unknown) => j as MeetingState };
const ctx = { actor: 'test:admin', reason: 'sinh hoạt chi đoàn' };
const policy = { everyEvents: 1, everyMs: 0 };

const setups: Array<[string, () => Promise<{ store: EventStore; sql: SqlClient; schema: string }>]> = [
  ['PostgreSQL', async () => {
    const schema = uniqueName('snap');
    return { store: await openPostgresEventStore(servers.postgresUrl, schema), sql: postgresClient({ connectionString: servers.postgresUrl }), schema };
  }],
  ['PGlite', async () => {
    const sql = pgliteClient(await createPglite());
    return { store: await SqlEventStore.open(sql, 'register'), sql, schema: 'register' };
  }],
];

describe.each(setups)('snapshots on %s', (_name, open) => {
  let store: EventStore;
  let sql: SqlClient;
  let schema: string;
  beforeAll(async () => ({ store, sql, schema } = await open()));
  afterAll(async () => {
    await store.close();
    await sql.close().catch(() => undefined);
  });

  it('keep the newest snapshot of each view and never move one back', async () => {
    const snapshots = await SqlSnapshotStore.open(sql, schema);
    await snapshots.save('v@1', { position: 5, state: { n: 5, name: 'Chi đoàn thôn Đồng Văn' } });
    await snapshots.save('v@1', { position: 3, state: { n: 3 } });
    expect(await snapshots.load('v@1')).toEqual({ position: 5, state: { n: 5, name: 'Chi đoàn thôn Đồng Văn' } });
    await snapshots.save('v@1', { position: 9, state: { n: 9 } });
    expect(await snapshots.load('v@1')).toEqual({ position: 9, state: { n: 9 } });
    expect(await snapshots.load('v@2')).toBeUndefined();
  });

  it('keep a state larger than a part in several parts, read back whole, and drop the parts of the state a save replaced', async () => {
    const snapshots = await SqlSnapshotStore.open(sql, schema, 4096);
    const name = `${uniqueName('dir')}@1`;
    const state = (n: number) => ({ members: Array.from({ length: 9000 }, (_, i) => ({ id: `m-${n}-${i}`, branchId: 'b-Đồng Văn', status: 'active' })), n });
    await snapshots.save(name, { position: 1, state: state(1) });
    const first = await partsOf(name);
    expect(first).toBeGreaterThan(4);
    await snapshots.save(name, { position: 2, state: state(2) });
    expect(await snapshots.load(name)).toEqual({ position: 2, state: state(2) });
    expect(await partsOf(name)).toBe(first); // the first state's parts are gone, the second's are as many
  });

  it('read a snapshot saved as one jsonb row before parts, until the view saves a newer one', async () => {
    const snapshots = await SqlSnapshotStore.open(sql, schema);
    const name = `${uniqueName('old')}@1`;
    await sql.query(`insert into ${schema}.snapshots (name, position, state) values ($1, 4, $2::jsonb)`, [name, JSON.stringify({ n: 4, name: 'Thôn Hoà Bình' })]);
    expect(await snapshots.load(name)).toEqual({ position: 4, state: { n: 4, name: 'Thôn Hoà Bình' } });
    await snapshots.save(name, { position: 3, state: { n: 3 } }); // older than the row: the row still answers
    expect(await snapshots.load(name)).toEqual({ position: 4, state: { n: 4, name: 'Thôn Hoà Bình' } });
    await snapshots.save(name, { position: 6, state: { n: 6 } });
    expect(await snapshots.load(name)).toEqual({ position: 6, state: { n: 6 } });
    const { rows } = await sql.query(`select 1 from ${schema}.snapshots where name = $1`, [name]);
    expect(rows).toHaveLength(0);
  });

  it('let saves of one view at once leave the newest position, whole, and no part of the others', async () => {
    const snapshots = await SqlSnapshotStore.open(sql, schema, 1024);
    const name = `${uniqueName('race')}@1`;
    const state = (n: number) => ({ n, ids: Array.from({ length: 2500 }, (_, i) => `${n}-${i}`) });
    const positions = [7, 12, 3, 20, 15, 9, 20, 1];
    await Promise.all(positions.map((position) => snapshots.save(name, { position, state: state(position) })));
    expect(await snapshots.load(name)).toEqual({ position: 20, state: state(20) });
    const { rows } = await sql.query<{ tokens: number }>(`select count(distinct token)::int as tokens from ${schema}.state_chunks where owner = $1`, [`snapshot:${name}`]);
    expect(rows[0].tokens).toBe(1);
  });

  it('drop the parts a stopped save left, once they are an hour old, and not those of a save still under way', async () => {
    const snapshots = await SqlSnapshotStore.open(sql, schema);
    const name = `${uniqueName('left')}@1`;
    const owner = `snapshot:${name}`;
    const stray = (token: string, age: string) =>
      sql.query(`insert into ${schema}.state_chunks (owner, token, seq, body, written_at) values ($1, $2, 0, '\\x00', now() - $3::interval)`, [owner, token, age]);
    await stray('00000000-0000-4000-8000-000000000001', '2 hours');
    await stray('00000000-0000-4000-8000-000000000002', '1 minute');
    await snapshots.save(name, { position: 1, state: { n: 1 } });
    await snapshots.save(name, { position: 2, state: { n: 2 } });
    const { rows } = await sql.query<{ token: string }>(`select distinct token from ${schema}.state_chunks where owner = $1 order by token`, [owner]);
    expect(rows.map((r) => r.token)).toContain('00000000-0000-4000-8000-000000000002');
    expect(rows.map((r) => r.token)).not.toContain('00000000-0000-4000-8000-000000000001');
    expect(await snapshots.load(name)).toEqual({ position: 2, state: { n: 2 } });
  });

  async function partsOf(name: string): Promise<number> {
    const { rows } = await sql.query<{ parts: number }>(`select count(*)::int as parts from ${schema}.state_chunks where owner = $1`, [`snapshot:${name}`]);
    return rows[0].parts;
  }

  it('let a live fold resume from its snapshot and read only the events after it', async () => {
    const id = uniqueName('m');
    const snapshotStore = await SqlSnapshotStore.open(sql, schema);
    const first = new LiveAggregate(store, id, branchMeeting, undefined, undefined, undefined, new Snapshots(snapshotStore, `${id}@1`, codec, policy));
    await first.execute(branchMeeting, { type: 'ScheduleMeeting', meetingId: id, branchId: 'b1', on: '2026-03-26', topic: 'Thành lập Đoàn' }, ctx);
    await first.flush();
    await first.execute(branchMeeting, { type: 'RecordMeetingHeld', attendance: 12 }, ctx);
    await first.flush();

    const reads: Array<number | undefined> = [];
    const counting = Object.create(store) as EventStore;
    counting.readStream = (streamId, options) => {
      reads.push(options?.fromRevision);
      return store.readStream(streamId, options);
    };
    const resumed = new LiveAggregate(counting, id, branchMeeting, undefined, undefined, undefined, new Snapshots(snapshotStore, `${id}@1`, codec, policy));
    expect(await resumed.current()).toEqual({ state: { status: 'held', branchId: 'b1' }, revision: 1 });
    // the snapshot's own event, to check the log still reaches it, then only what follows it
    expect(reads).toEqual([1, 2]);
  });

  it('ignore a snapshot the log does not reach (a log restored from an older backup)', async () => {
    const id = uniqueName('m');
    const snapshotStore = await SqlSnapshotStore.open(sql, schema);
    await snapshotStore.save(`${id}@1`, { position: 7, state: { status: 'held', branchId: 'elsewhere' } });
    const live = new LiveAggregate(store, id, branchMeeting, undefined, undefined, undefined, new Snapshots(snapshotStore, `${id}@1`, codec, policy));
    await live.execute(branchMeeting, { type: 'ScheduleMeeting', meetingId: id, branchId: 'b1', on: '2026-03-26', topic: 'Thành lập Đoàn' }, ctx);
    expect(await live.current()).toEqual({ state: { status: 'scheduled', branchId: 'b1' }, revision: 0 });
  });
});
