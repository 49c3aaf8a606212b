import { EventStore, LiveAggregate } from '@register/event-sourcing';
import { openPgliteEventStore, openPostgresEventStore } from '@register/event-store';
import { branchMeeting } from '../../libs/event-sourcing/src/example/branch-meeting';
import { servers, uniqueName } from '../support/servers';

let lastSchema = '';
const stores: Array<[string, () => Promise<EventStore>]> = [
  ['PostgreSQL', () => openPostgresEventStore(servers.postgresUrl, (lastSchema = uniqueName('live')))],
  ['PGlite', () => openPgliteEventStore()],
];

/** Counts the stream reads that reach the real store. */
function counting(store: EventStore) {
  const counter = { reads: 0 };
  const wrapped = Object.create(store) as EventStore;
  wrapped.readStream = (...args: Parameters<EventStore['readStream']>) => {
    counter.reads++;
    return store.readStream(...args);
  };
  // watched through the store itself: called on the wrapper, watch would open a LISTEN connection
  // of the wrapper's own, which store.close() never ends (jest then did not exit)
  if (store.watch) wrapped.watch = (listener) => store.watch!(listener);
  return { wrapped, counter };
}

describe.each(stores)('LiveAggregate on %s', (_name, open) => {
  let store: EventStore;
  let schema = '';
  /** PostgreSQL: a second connection to the same log, as another process would have; PGlite has one. */
  const open2 = async () => (_name === 'PostgreSQL' ? openPostgresEventStore(servers.postgresUrl, schema) : store);
  const ctx = { actor: 'test:admin', reason: 'sinh hoạt chi đoàn' };
  const schedule = (meetingId: string) => ({ type: 'ScheduleMeeting' as const, meetingId, branchId: 'b1', on: '2026-03-26', topic: 'Thành lập Đoàn' });

  beforeAll(async () => {
    store = await open();
    schema = lastSchema;
  });
  afterAll(() => store.close());

  it('serves concurrent readers with shared catch-ups, not one store round trip each', async () => {
    const id = uniqueName('m');
    const { wrapped, counter } = counting(store);
    const live = new LiveAggregate(wrapped, id, branchMeeting);
    await live.execute(branchMeeting, schedule(id), ctx);
    counter.reads = 0;
    const answers = await Promise.all(Array.from({ length: 50 }, () => live.current()));
    expect(answers.every((a) => a.revision === 0)).toBe(true);
    expect(counter.reads).toBeLessThanOrEqual(2);
  });

  it('shows a reader what another process committed before the reader asked', async () => {
    const id = uniqueName('m');
    const here = new LiveAggregate(store, id, branchMeeting);
    const elsewhere = new LiveAggregate(store, id, branchMeeting);
    expect((await here.current()).revision).toBe(-1);
    const slow = Promise.all(Array.from({ length: 10 }, () => here.current()));
    await elsewhere.execute(branchMeeting, schedule(id), ctx);
    await slow;
    expect((await here.current()).revision).toBe(0);
  });

  it('learns soon of an append by another store instance (another process), without a read per request', async () => {
    const id = uniqueName('m');
    const other = await open2();
    try {
      const { wrapped, counter } = counting(store);
      const here = new LiveAggregate(wrapped, id, branchMeeting);
      expect((await here.current()).revision).toBe(-1);
      counter.reads = 0;
      for (let i = 0; i < 20; i++) await here.current();
      expect(counter.reads).toBe(0);
      await new LiveAggregate(other, id, branchMeeting).execute(branchMeeting, schedule(id), ctx);
      const until = Date.now() + 3000;
      while ((await here.current()).revision < 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect((await here.current()).revision).toBe(0);
    } finally {
      if (other !== store) await other.close();
    }
  });

  it('keeps serving after a failed catch-up', async () => {
    const id = uniqueName('m');
    const { wrapped } = counting(store);
    const live = new LiveAggregate(wrapped, id, branchMeeting);
    const real = wrapped.readStream;
    wrapped.readStream = () => Promise.reject(new Error('store away'));
    await expect(live.current()).rejects.toThrow('store away');
    wrapped.readStream = real;
    await live.execute(branchMeeting, schedule(id), ctx);
    expect((await live.current()).revision).toBe(0);
  });
});
