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
