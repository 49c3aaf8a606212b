import { EventSchemas, RecordedEvent, UpcastingEventStore } from '@register/event-sourcing';
import { openPostgresEventStore, postgresClient, READ_AHEAD_APPLICATION, SqlEventStore } from '@register/event-store';
import { anEvent } from '../support/events';
import { servers, uniqueName } from '../support/servers';

/** Everything `readPages` yields, flattened, and the page sizes. */
async function collect(pages: AsyncIterable<RecordedEvent[]>) {
  const events: RecordedEvent[] = [];
  const sizes: number[] = [];
  for await (const page of pages) {
    events.push(...page);
    sizes.push(page.length);
  }
  return { events, sizes };
}

describe('reading the PostgreSQL log ahead on a worker thread (readPages)', () => {
  let log: SqlEventStore;
  let all: RecordedEvent[];

  beforeAll(async () => {
    log = await openPostgresEventStore(servers.postgresUrl, uniqueName('ahead'));
    for (let k = 0; k < 7; k++) {
      const events = Array.from({ length: 50 }, (_, i) =>
        anEvent(k % 2 ? 'MemberJoined' : 'BranchRenamed', { branchId: `b-${k}`, name: `Chi đoàn thôn Nà Hẩu ${i} — "ngoặc" \\ ✓`, members: [i, null, { nested: true }] }, 1 + (k % 3)),
      );
      await log.append(`stream-${k}`, events, 'no_stream');
    }
    all = await log.readAll(0, 10_000);
  });
  afterAll(() => log.close());

  it('gives exactly the events readAll gives, in the same pages', async () => {
    const { events, sizes } = await collect(log.readPages!(0, 100));
    expect(events).toEqual(all);
    expect(events.map((e) => Object.keys(e))).toEqual(all.map((e) => Object.keys(e)));
    expect(sizes).toEqual([100, 100, 100, 50]);
  });

  it('starts after `after` and stops at `until`', async () => {
    const after = all[41].position;
    const until = all[260].position;
    const { events } = await collect(log.readPages!(after, 64, until));
    expect(events).toEqual(all.slice(42, 261));
  });

  it('reads only the types asked, each page the matches of the next pageSize events of the log, up to `until`', async () => {
    const joined = all.filter((e) => e.type === 'MemberJoined');
    const { events, sizes } = await collect(log.readPages!(0, 40, undefined, { types: ['MemberJoined'] }));
    expect(events).toEqual(joined);
    expect(sizes.every((n) => n > 0 && n <= 40)).toBe(true);
    const until = all[260].position;
    expect((await collect(log.readPages!(0, 40, until, { types: ['MemberJoined'] }))).events).toEqual(joined.filter((e) => e.position <= until));
  });

  it('reads ahead through the upcasting store the services read by: pages upcast, the types widened with the upcasters\' (before, services never read ahead)', async () => {
    const schemas = new EventSchemas({ MemberAdmitted: 2 }, [{ type: 'MemberJoined', fromVersion: 1, upcast: (e) => ({ type: 'MemberAdmitted', data: e.data }) }]);
    const upcasting = new UpcastingEventStore(log, schemas);
    expect(upcasting.readPages).toBeDefined();
    const { events } = await collect(upcasting.readPages!(0, 40, undefined, { types: ['MemberAdmitted'] }));
    const joined = all.filter((e) => e.type === 'MemberJoined');
    // Every stored MemberJoined may read as MemberAdmitted: all are read; those at version 1 come out upcast.
    expect(events.map((e) => e.position)).toEqual(joined.map((e) => e.position));
    expect(events.filter((e) => e.type === 'MemberAdmitted').map((e) => e.position)).toEqual(joined.filter((e) => e.schemaVersion === 1).map((e) => e.position));
    expect(events.filter((e) => e.type === 'MemberAdmitted').every((e) => e.schemaVersion === 2)).toBe(true);
  });

  it('stops reading, and ends its worker, when the reader stops early', async () => {
    let pages = 0;
    for await (const _page of log.readPages!(0, 10)) if (++pages === 2) break;
    expect(pages).toBe(2);
    // the worker held a connection of its own (named by application_name): none is left behind
    const sql = postgresClient({ connectionString: servers.postgresUrl });
    const idle = async () => (await sql.query<{ n: string }>(`select count(*) as n from pg_stat_activity where application_name = $1`, [READ_AHEAD_APPLICATION])).rows[0].n;
    for (let i = 0; i < 50 && (await idle()) !== '0'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await idle()).toBe('0');
    await sql.close();
  });

  it('fails the reader when the log cannot be read', async () => {
    const sql = postgresClient({ connectionString: servers.postgresUrl });
    const gone = uniqueName('ahead_dropped');
    const store = await openPostgresEventStore(servers.postgresUrl, gone);
    await sql.exec(`drop schema ${gone} cascade`);
    await expect(collect(store.readPages!(0, 10))).rejects.toThrow(/does not exist/);
    await store.close();
    await sql.close();
  });
});
