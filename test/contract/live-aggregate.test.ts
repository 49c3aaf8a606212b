import { EventStore, LiveAggregate } from '@register/event-sourcing';
import { openPgliteEventStore, openPostgresEventStore } from '@register/event-store';
import { branchMeeting } from '../../libs/event-sourcing/src/example/branch-meeting';
import { servers, uniqueName } from '../support/servers';

const stores: Array<[string, () => Promise<EventStore>]> = [
  ['PostgreSQL', () => openPostgresEventStore(servers.postgresUrl, uniqueName('live'))],
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
  return { wrapped, counter };
}

describe.each(stores)('LiveAggregate on %s', (_name, open) => {
  let store: EventStore;
  const ctx = { actor: 'test:admin', reason: 'sinh hoạt chi đoàn' };
  const schedule = (meetingId: string) => ({ type: 'ScheduleMeeting' as const, meetingId, branchId: 'b1', on: '2026-03-26', topic: 'Thành lập Đoàn' });

  beforeAll(async () => {
    store = await open();
  });
  afterAll(() => store.close());

  it('serves concurrent readers with shared catch-ups, not one store round trip each', async () => {
    const id = uniqueName('m');
    const { wrapped, counter } = counting(store);
    const live = new LiveAggregate(wrapped, id, branchMeeting);
    await live.execute(schedule(id), ctx);
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
    await elsewhere.execute(schedule(id), ctx);
    await slow;
    expect((await here.current()).revision).toBe(0);
  });

  it('keeps serving after a failed catch-up', async () => {
    const id = uniqueName('m');
    const { wrapped } = counting(store);
    const live = new LiveAggregate(wrapped, id, branchMeeting);
    const real = wrapped.readStream;
    wrapped.readStream = () => Promise.reject(new Error('store away'));
    await expect(live.current()).rejects.toThrow('store away');
    wrapped.readStream = real;
    await live.execute(schedule(id), ctx);
    expect((await live.current()).revision).toBe(0);
  });
});
