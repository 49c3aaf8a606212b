import { AppliedWatermarks } from './applied-watermarks';

const at = (position: number, eventId = `e${position}`) => ({ eventId, position });

describe('AppliedWatermarks', () => {
  it('given events applied on a lane, when one comes again (a relay re-sent its batch), then it is known, long after its id is forgotten', () => {
    const applied = new AppliedWatermarks(2);
    for (let p = 1; p <= 10; p++) applied.recordApplied(at(p), 'log-a:0');
    expect(applied.isApplied(at(3), 'log-a:0')).toBe(true);
    expect(applied.isApplied(at(10), 'log-a:0')).toBe(true);
    expect(applied.isApplied(at(11), 'log-a:0')).toBe(false);
  });

  it('given a lane applied to 10, when another partition or another log brings position 3, then it is new', () => {
    const applied = new AppliedWatermarks(0);
    applied.recordApplied(at(10), 'log-a:0');
    expect(applied.isApplied(at(3), 'log-a:1')).toBe(false);
    expect(applied.isApplied(at(3, 'other-log-event'), 'log-b:0')).toBe(false);
  });

  it('given an event whose attempt failed (dead-lettered) while its lane moved on, when it is replayed, then it runs, once', () => {
    const applied = new AppliedWatermarks(0);
    applied.recordFailed(at(5));
    applied.recordApplied(at(6), 'log-a:0');
    expect(applied.isApplied(at(5), 'log-a:0')).toBe(false);
    applied.recordApplied(at(5), 'log-a:0');
    expect(applied.isApplied(at(5), 'log-a:0')).toBe(true);
    expect(applied.size.failed).toBe(0);
  });

  it('given a recent event of no known log, when it comes on a lane (sent again after the origin header appeared), then it is known by its id', () => {
    const applied = new AppliedWatermarks();
    applied.recordApplied(at(7), undefined);
    expect(applied.isApplied(at(7), 'log-a:0')).toBe(true);
    expect(applied.isRecentlyApplied('e7')).toBe(true);
  });

  it('given events of no known log (no origin header), when another such log brings lower positions, then only their ids decide', () => {
    const applied = new AppliedWatermarks();
    applied.recordApplied(at(900, 'a-900'), undefined);
    expect(applied.isApplied(at(3, 'b-3'), undefined)).toBe(false);
    expect(applied.isApplied(at(900, 'a-900'), undefined)).toBe(true);
    expect(applied.size.lanes).toBe(0);
  });

  it('holds lanes and a bounded number of ids, however long the log', () => {
    const applied = new AppliedWatermarks(100);
    for (let p = 1; p <= 50_000; p++) applied.recordApplied(at(p), `log-a:${p % 6}`);
    expect(applied.size).toEqual({ lanes: 6, failed: 0, recent: 100 });
    expect(applied.isRecentlyApplied('e1')).toBe(false);
    expect(applied.isRecentlyApplied('e50000')).toBe(true);
  });

  it('is given back whole by its snapshot', () => {
    const applied = new AppliedWatermarks();
    applied.recordApplied(at(4), 'log-a:2');
    applied.recordFailed(at(3));
    const restored = new AppliedWatermarks();
    restored.restoreState(structuredClone(applied.snapshotState()));
    expect(restored.isApplied(at(2), 'log-a:2')).toBe(true);
    expect(restored.isApplied(at(3), 'log-a:2')).toBe(false);
    expect(restored.size).toEqual({ lanes: 1, failed: 1, recent: 1 });
  });
});
