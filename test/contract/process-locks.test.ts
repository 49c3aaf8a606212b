import { Client } from 'pg';
import { PostgresProcessLocks, stripeOf } from '@register/event-store';
import { servers, uniqueName } from '../support/servers';

jest.setTimeout(60_000);

/**
 * Locks shared by the processes of one database (real PostgreSQL): each PostgresProcessLocks stands
 * for one process (its own connection). Keys are unique per run, as other runs share the server.
 */
describe('locks across processes (PostgreSQL advisory locks)', () => {
  const opened: PostgresProcessLocks[] = [];
  const aProcess = (name = 'register-process-locks') => {
    const locks = new PostgresProcessLocks({ connectionString: servers.postgresUrl, application_name: name });
    opened.push(locks);
    return locks;
  };
  const key = (name: string) => `${uniqueName('lock')}:${name}`;
  afterAll(async () => {
    for (const locks of opened) await locks.close();
  });

  it('given a key one process holds, then another takes it only once it is given back', async () => {
    const [one, two] = [aProcess(), aProcess()];
    const x = key('x');
    let y = key('y');
    while (stripeOf(y) === stripeOf(x)) y = key('y'); // keys share a lock one time in 256 (stripes)
    const release = await one.take([x]);
    expect(await two.tryTake([x, y])).toBeUndefined();
    const other = await two.tryTake([y]); // what it got of [x, y] was given back: y is free
    expect(other).toBeDefined();
    await other!();
    let taken = false;
    const waiting = two.take([y, x]).then((r) => ((taken = true), r));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(taken).toBe(false);
    await release();
    await (await waiting)();
    expect(taken).toBe(true);
  });

  it('given two processes taking overlapping keys in opposite orders many times at once, then all finish and no key is held by both at once', async () => {
    const processes = [aProcess(), aProcess()];
    const keys = [key('a'), key('b'), key('c')]; // stripes shared or not, the turns must not overlap
    const holders = new Map<string, number>();
    const conflicts: string[] = [];
    const turn = async (p: number, i: number) => {
      const mine = i % 2 ? [keys[i % 3], keys[(i + 1) % 3]] : [keys[(i + 1) % 3], keys[i % 3]];
      const release = await processes[p].take(mine);
      for (const k of mine) {
        if (holders.has(k) && holders.get(k) !== p) conflicts.push(k);
        holders.set(k, p);
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
      for (const k of mine) holders.delete(k);
      await release();
    };
    // One turn at a time per process (the process's own turns are ordered by KeyedTurns, not by these locks).
    const inTurns = async (p: number) => {
      for (let i = 0; i < 60; i++) await turn(p, i + p);
    };
    await Promise.all([inTurns(0), inTurns(1)]);
    expect(conflicts).toEqual([]);
  });

  it('given the connection of the process holding a key is lost, then the key is free, and that process takes locks again on a new connection', async () => {
    const name = uniqueName('locks-lost');
    const [one, two] = [aProcess(name), aProcess()];
    const x = key('lost');
    const release = await one.take([x]);
    const admin = new Client({ connectionString: servers.postgresUrl });
    await admin.connect();
    const { rows } = await admin.query('select pg_terminate_backend(pid) as ended from pg_stat_activity where application_name = $1', [name]);
    expect(rows).toEqual([{ ended: true }]);
    await admin.end();
    const deadline = Date.now() + 10_000;
    let again = await two.tryTake([x]);
    while (!again && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      again = await two.tryTake([x]);
    }
    expect(again).toBeDefined();
    await release(); // of a connection gone: nothing
    expect(await one.tryTake([x])).toBeUndefined(); // two holds it
    await again!();
    const back = await one.take([x]);
    await back();
  });

  it('given a singleton held by one process, then another cannot lead until it is given back, and the holder knows whether it still holds it', async () => {
    const [one, two] = [aProcess(), aProcess()];
    const name = key('relay');
    const lead = await one.tryLead(name);
    expect(lead?.held()).toBe(true);
    expect(await two.tryLead(name)).toBeUndefined();
    expect(await two.tryTake([name])).toBeDefined(); // a turn of the same name is another lock
    await lead!.release();
    const next = await two.tryLead(name);
    expect(next?.held()).toBe(true);
    await two.close();
    expect(next?.held()).toBe(false);
  });
});
