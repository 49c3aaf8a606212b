import { SeenEvents } from './seen-events';

describe('SeenEvents', () => {
  it('knows the events recorded, by id only: the same stream revision from another log is new', () => {
    const seen = new SeenEvents();
    const first = { eventId: 'e1', streamId: 'organisation-structure', revision: 0 };
    expect(seen.seen(first)).toBe(false);
    seen.record(first);
    expect(seen.seen(first)).toBe(true);
    const sameRevisionOtherLog = { eventId: 'e2', streamId: 'organisation-structure', revision: 0 };
    expect(seen.seen(sameRevisionOtherLog)).toBe(false);
  });
});
