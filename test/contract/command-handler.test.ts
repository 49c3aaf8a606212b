import { CommandHandler, deciderOf, EventSchemas, EventStore, RuleViolation, UpcastingEventStore, WrongExpectedRevisionError } from '@register/event-sourcing';
import { branchMeeting } from '../../libs/event-sourcing/src/example/branch-meeting';
import { openPgliteEventStore, openPostgresEventStore } from '@register/event-store';
import { servers, uniqueName } from '../support/servers';

const stores: Array<[string, () => Promise<EventStore>]> = [
  ['PostgreSQL', () => openPostgresEventStore(servers.postgresUrl, uniqueName('handler'))],
  ['PGlite', () => openPgliteEventStore()],
];

describe.each(stores)('command handler on %s', (_name, open) => {
  let store: EventStore;
  let handler: CommandHandler;
  const ctx = { actor: 'test:admin', reason: 'sinh hoạt chi đoàn tháng 3' };
  const schedule = (meetingId: string) => ({ type: 'ScheduleMeeting' as const, meetingId, branchId: 'b1', on: '2026-03-26', topic: 'Thành lập Đoàn' });

  beforeAll(async () => {
    store = await open();
    handler = new CommandHandler(store, new EventSchemas({ MeetingScheduled: 2 }));
  });
  afterAll(() => store.close());

  it('appends the decided events with the actor, reason, schema version and an effective date', async () => {
    const id = uniqueName('m');
    const result = await handler.handle(branchMeeting, id, schedule(id), { ...ctx, decision: { number: '12-QĐ' }, effectiveDate: '2026-03-01' });
    expect(result).toMatchObject({ revision: 0, duplicate: false });
    const [event] = await store.readStream(id);
    expect(event).toMatchObject({ type: 'MeetingScheduled', schemaVersion: 2, metadata: { actor: 'test:admin', reason: ctx.reason, decision: { number: '12-QĐ' }, effectiveDate: '2026-03-01' } });
  });

  it('answers a retried command with the first answer and appends nothing twice', async () => {
    const id = uniqueName('m');
    const commandId = uniqueName('key');
    const first = await handler.handle(branchMeeting, id, schedule(id), { ...ctx, commandId });
    const again = await handler.handle(branchMeeting, id, schedule(id), { ...ctx, commandId });
    expect(again).toMatchObject({ duplicate: true, revision: first.revision, position: first.position });
    expect(await store.readStream(id)).toHaveLength(1);
  });

  it('lets one of concurrent duplicates append, and answers the others as duplicates', async () => {
    const id = uniqueName('m');
    const commandId = uniqueName('key');
    const answers = await Promise.all(Array.from({ length: 5 }, () => handler.handle(branchMeeting, id, schedule(id), { ...ctx, commandId })));
    expect(answers.filter((a) => !a.duplicate)).toHaveLength(1);
    expect(await store.readStream(id)).toHaveLength(1);
  });

  it('refuses the same idempotency key with another request', async () => {
    const id = uniqueName('m');
    await handler.handle(branchMeeting, id, schedule(id), { ...ctx, commandId: `${id}-k`, fingerprint: 'a' });
    await expect(handler.handle(branchMeeting, id, schedule(id), { ...ctx, commandId: `${id}-k`, fingerprint: 'b' })).rejects.toBeInstanceOf(RuleViolation);
  });

  it('re-decides after losing a race, so the loser sees the winner: exactly one is held', async () => {
    const id = uniqueName('m');
    await handler.handle(branchMeeting, id, schedule(id), ctx);
    const results = await Promise.allSettled([
      handler.handle(branchMeeting, id, { type: 'RecordMeetingHeld', attendance: 12 }, ctx),
      handler.handle(branchMeeting, id, { type: 'RecordMeetingHeld', attendance: 13 }, ctx),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected?.reason).toBeInstanceOf(RuleViolation);
    expect((await store.readStream(id)).map((e) => e.type)).toEqual(['MeetingScheduled', 'MeetingHeld']);
  });

  it('answers a command that records nothing with the log\'s head, from which a read shows the state it asked for (not position 0)', async () => {
    const id = uniqueName('m');
    await handler.handle(branchMeeting, id, schedule(id), ctx);
    const cancelled = await handler.handle(branchMeeting, id, { type: 'CancelMeeting', why: 'trùng lịch' }, ctx);
    const other = uniqueName('m');
    await handler.handle(branchMeeting, other, schedule(other), ctx);
    const again = await handler.handle(branchMeeting, id, { type: 'CancelMeeting', why: 'trùng lịch' }, ctx);
    expect(again).toMatchObject({ events: [], revision: cancelled.revision, duplicate: false });
    expect(again.position).toBe(await store.headPosition());
    expect(again.position).toBeGreaterThan(cancelled.position);
  });

  it('keeps a command that changed nothing under its Idempotency-Key: its retry after another change is answered as before, not decided again into a change', async () => {
    type Switched = { type: 'Switched'; data: { on: boolean } };
    const lamp = deciderOf<{ on: boolean }, Switched, { on: boolean }>({ initialState: () => ({ on: false }), evolve: (_s, e) => ({ on: e.data.on }) }, (c, s) => (c.on === s.on ? [] : [{ type: 'Switched', data: { on: c.on } }]));
    const id = uniqueName('lamp');
    const key = { ...ctx, commandId: uniqueName('key'), caller: 'officer-a', fingerprint: 'on' };
    await handler.handle(lamp, id, { on: true }, ctx);
    const first = await handler.handle(lamp, id, { on: true }, key);
    expect(first).toMatchObject({ events: [], duplicate: false });
    await handler.handle(lamp, id, { on: false }, ctx); // another officer's change
    const retry = await handler.handle(lamp, id, { on: true }, key);
    expect(retry).toMatchObject({ duplicate: true, revision: first.revision, position: first.position });
    expect((await store.readStream(id)).map((e) => e.data)).toEqual([{ on: true }, { on: false }]);
    await expect(handler.handle(lamp, id, { on: false }, { ...key, fingerprint: 'off' })).rejects.toMatchObject({ rule: 'idempotency-key-reused' });
    expect(await store.readStream(id)).toHaveLength(2);
  });

  it('does not retry when the caller pinned the revision it saw (If-Match)', async () => {
    const id = uniqueName('m');
    await handler.handle(branchMeeting, id, schedule(id), ctx);
    await expect(handler.handle(branchMeeting, id, { type: 'CancelMeeting', why: 'mưa' }, { ...ctx, expectedRevision: 5 })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await handler.handle(branchMeeting, id, { type: 'CancelMeeting', why: 'mưa' }, { ...ctx, expectedRevision: 0 });
  });

  it('reads old event versions through upcasters', async () => {
    const id = uniqueName('m');
    await handler.handle(branchMeeting, id, schedule(id), ctx);
    const upcasting = new UpcastingEventStore(store, new EventSchemas({}, [{ type: 'MeetingScheduled', fromVersion: 2, upcast: (e) => ({ type: e.type, data: { ...(e.data as object), room: 'nhà văn hóa' } }) }]));
    const [event] = await upcasting.readStream(id);
    expect(event).toMatchObject({ schemaVersion: 3, data: { room: 'nhà văn hóa' } });
  });
});
