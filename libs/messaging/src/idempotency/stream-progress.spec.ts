import { StreamProgress } from './stream-progress';

describe('StreamProgress', () => {
  it('knows redeliveries and older events of a stream, and nothing it was not told', () => {
    const p = new StreamProgress();
    expect(p.seen({ streamId: 's', revision: 0 })).toBe(false);
    p.record({ streamId: 's', revision: 0 });
    p.record({ streamId: 's', revision: 1 });
    expect(p.seen({ streamId: 's', revision: 1 })).toBe(true);
    expect(p.seen({ streamId: 's', revision: 0 })).toBe(true);
    expect(p.seen({ streamId: 's', revision: 2 })).toBe(false);
    expect(p.seen({ streamId: 't', revision: 0 })).toBe(false);
  });

  it('never moves back when an older event is recorded late', () => {
    const p = new StreamProgress();
    p.record({ streamId: 's', revision: 5 });
    p.record({ streamId: 's', revision: 3 });
    expect(p.seen({ streamId: 's', revision: 4 })).toBe(true);
  });
});
