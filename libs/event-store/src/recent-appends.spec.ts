import { EventToAppend } from '@register/event-sourcing';
import { AppendedStream, RecentAppends } from './recent-appends';

const event = (i: number): EventToAppend => ({ eventId: `e-${i}`, type: 'Happened', schemaVersion: 1, data: { i }, metadata: { actor: 't', reason: 'r', effectiveDate: '2026-12-02', correlationId: 'c' } });
const stream = (streamId: string, firstRevision: number, ...ids: number[]): AppendedStream => ({ streamId, firstRevision, events: ids.map(event) });
const rows = (firstSeq: number, firstPosition: number, lastPosition: number) => ({ firstSeq, firstPosition, lastPosition, recorded: `2026-12-05T00:00:00.${String(firstPosition).padStart(3, '0')}Z` });
const ids = (events?: { eventId: string }[]) => events?.map((e) => e.eventId);

describe('the recent appends of a store', () => {
  it('given two appends that follow in the chain, answers a subscriber inside them with the events after it, as recorded', () => {
    const recent = new RecentAppends(true);
    recent.add(rows(0, 1, 2), [stream('a', 0, 1, 2)]);
    recent.add(rows(2, 4, 5), [stream('b', 4, 3), stream('c', 0, 4)]); // position 3 rolled back: seq has no gap
    expect(ids(recent.after(1, 10, 5))).toEqual(['e-2', 'e-3', 'e-4']);
    expect(recent.after(4, 10, 5)).toEqual([{ ...event(4), streamId: 'c', revision: 0, position: 5, recordedAt: '2026-12-05T00:00:00.004Z' }]);
    expect(recent.after(2, 10, 5)?.map((e) => [e.streamId, e.revision, e.position])).toEqual([['b', 4, 4], ['c', 0, 5]]);
    expect(recent.after(3, 10, 5)?.map((e) => e.position)).toEqual([4, 5]);
    expect(ids(recent.after(1, 2, 5))).toEqual(['e-2', 'e-3']);
  });

  it('answers nothing new to a subscriber at its last event, and leaves one before its first to read the log', () => {
    const recent = new RecentAppends(true);
    recent.add(rows(7, 10, 11), [stream('a', 0, 1, 2)]);
    expect(recent.after(11, 10, 11)).toEqual([]);
    expect(recent.after(9, 10, 11)).toBeUndefined(); // what lies between 9 and 10 is not known here
    expect(recent.after(12, 10, 12)).toBeUndefined();
  });

  it('leaves a subscriber at its last event to read the log where the store may not hear of every append (a LISTEN lost)', () => {
    const recent = new RecentAppends(false);
    recent.add(rows(7, 10, 11), [stream('a', 0, 1, 2)]);
    expect(recent.after(11, 10, 11)).toBeUndefined();
    expect(ids(recent.after(10, 10, 11))).toEqual(['e-2']);
  });

  it('leaves every subscriber to read the log while the store has heard of a later position than it holds', () => {
    const recent = new RecentAppends(true);
    recent.add(rows(0, 1, 2), [stream('a', 0, 1, 2)]);
    expect(recent.after(1, 10, 3)).toBeUndefined();
  });

  it('starts again at an append that does not follow the last one in the chain (another writer came between)', () => {
    const recent = new RecentAppends(true);
    recent.add(rows(0, 1, 2), [stream('a', 0, 1, 2)]);
    recent.add(rows(3, 4, 4), [stream('b', 0, 3)]); // seq 2 was another writer's
    expect(recent.after(1, 10, 4)).toBeUndefined();
    expect(recent.after(4, 10, 4)).toEqual([]);
  });

  it('forgets everything at an append the database did not number (no chain), or whose positions do not follow one another', () => {
    const recent = new RecentAppends(true);
    recent.add(rows(0, 1, 2), [stream('a', 0, 1, 2)]);
    recent.add({ firstSeq: null, firstPosition: null, lastPosition: 3, recorded: null }, [stream('a', 2, 3)]);
    expect(recent.after(1, 10, 3)).toBeUndefined();
    recent.add(rows(3, 4, 4), [stream('a', 3, 4)]);
    expect(recent.after(4, 10, 4)).toEqual([]);
    recent.add(rows(4, 5, 7), [stream('a', 4, 5, 6)]);
    expect(recent.after(4, 10, 7)).toBeUndefined();
  });

  it('keeps a bounded number of the latest events', () => {
    const recent = new RecentAppends(true, 3);
    for (let i = 0; i < 10; i++) recent.add(rows(i, i + 1, i + 1), [stream('a', i, i)]);
    expect(ids(recent.after(9, 10, 10))).toEqual(['e-9']);
    expect(recent.after(2, 10, 10)).toBeUndefined();
  });
});
