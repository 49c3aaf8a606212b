import { RecordedEvent } from './envelope';
import { EventStore } from './event-store';
import { EventSchemas, UpcastingEventStore } from './upcasting';

const stored = (type: string, schemaVersion: number, data: unknown): RecordedEvent => ({
  eventId: 'e1',
  streamId: 's',
  revision: 0,
  position: 1,
  recordedAt: '2024-01-01T00:00:00.000Z',
  type,
  schemaVersion,
  data,
  metadata: { actor: 'a', reason: 'r', effectiveDate: '2024-01-01', correlationId: 'c' },
});

describe('upcasters', () => {
  // v1 held one "name"; v2 splits the area out; v3 renames the event.
  const schemas = new EventSchemas({ BranchRegistered: 3 }, [
    { type: 'BranchEstablished', fromVersion: 1, upcast: (e) => ({ type: e.type, data: { ...(e.data as object), area: null } }) },
    { type: 'BranchEstablished', fromVersion: 2, upcast: (e) => ({ type: 'BranchRegistered', data: e.data }) },
    { type: 'MemberAdmitted', fromVersion: 1, keepsType: true, upcast: (e) => e },
  ]);

  it('brings an old stored event up to the current version, step by step', () => {
    const upcast = schemas.upcast(stored('BranchEstablished', 1, { name: 'Bản Na Ca' }));
    expect(upcast).toMatchObject({ type: 'BranchRegistered', schemaVersion: 3, data: { name: 'Bản Na Ca', area: null } });
  });

  it('leaves current events and the envelope untouched', () => {
    const current = stored('BranchRegistered', 3, { name: 'x' });
    expect(schemas.upcast(current)).toBe(current);
    expect(schemas.upcast(stored('BranchEstablished', 1, {})).metadata.actor).toBe('a');
  });

  it('stamps new events with the current version, 1 for undeclared types', () => {
    expect(schemas.versionOf('BranchRegistered')).toBe(3);
    expect(schemas.versionOf('Unknown')).toBe(1);
  });

  it('given a reader of some types, when it reads through the upcasting store, then the stored types it asks include every type an upcaster may rename, and none an upcaster declares it keeps', async () => {
    const asked: Array<readonly string[] | undefined> = [];
    const log = [stored('BranchEstablished', 1, { name: 'Bản Na Ca' }), { ...stored('MemberAdmitted', 1, {}), position: 2 }];
    const inner = {
      readAll: async (_after: number, _limit: number, options?: { types?: readonly string[] }) => {
        asked.push(options?.types);
        return log.filter((e) => !options?.types || options.types.includes(e.type));
      },
    } as unknown as EventStore;
    const upcasting = new UpcastingEventStore(inner, schemas);
    const read = await upcasting.readAll(0, 10, { types: ['BranchRegistered'] });
    expect(asked[0]).toEqual(['BranchRegistered', 'BranchEstablished']);
    expect(read.map((e) => e.type)).toEqual(['BranchRegistered']);
    await upcasting.readAll(0, 10);
    expect(asked[1]).toBeUndefined();
  });

  it('passes a multi-stream append to the inner store whole, where it has one; none where it has none', async () => {
    const batches: unknown[] = [];
    const inner = { appendMany: async (appends: unknown[]) => { batches.push(appends); return []; } } as unknown as EventStore;
    const appends = [{ streamId: 'member-1', events: [], expected: 'no_stream' as const }];
    await new UpcastingEventStore(inner, schemas).appendMany!(appends);
    expect(batches).toEqual([appends]);
    expect(new UpcastingEventStore({} as EventStore, schemas).appendMany).toBeUndefined();
  });
});
