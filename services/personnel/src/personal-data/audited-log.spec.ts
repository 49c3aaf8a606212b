import { RecordedEvent } from '@register/event-sourcing';
import { Actor } from '@register/service-kit';
import { membersIn, ReadLoggingAuditableLog } from './audited-log';
import { InMemoryReadLog } from './read-log';

const auditor: Actor = { id: 'kiem-toan', roles: ['auditor'] };
const shown = [
  { streamId: 'member-m-1', data: { personal: null } },
  { streamId: 'officers-b-1', data: { memberId: 'm-2', post: 'deputy' } },
  { streamId: 'officers-b-1', data: { post: 'secretary' } },
  { streamId: 'member-m-1', data: { memberId: 'm-1' } },
];

describe('personnel log as auditors read it', () => {
  it("names the members whose events are shown: own stream and data's memberId, once each", () => {
    expect(membersIn(shown)).toEqual(['m-1', 'm-2']);
  });

  it("logs what a reader is shown, with the auditor, the audit endpoint and the purpose; nothing without a reader or without members", async () => {
    const reads = new InMemoryReadLog();
    const log = new ReadLoggingAuditableLog({ readAll: async () => [], readStream: async () => [] as RecordedEvent[], headPosition: async () => 0 }, reads);
    await log.shown(shown);
    await log.readFor({ actor: auditor, endpoint: 'GET /audit/events' }).shown([{ streamId: 'organisation-structure', data: {} }]);
    await log.readFor({ actor: auditor, endpoint: 'GET /audit/events', purpose: 'annual audit' }).shown(shown);
    expect((await reads.readsOf('m-2')).items.map((r) => [r.actor, r.endpoint, r.purpose, r.memberIds, r.othersRead])).toEqual([['kiem-toan', 'GET /audit/events', 'annual audit', ['m-2'], 1]]);
  });

  it("pages one member's reads newest first, showing no other member's id", async () => {
    const reads = new InMemoryReadLog();
    for (const endpoint of ['a', 'b', 'c']) await reads.record({ actor: 'x', purpose: null, endpoint, memberIds: ['m-1', 'm-9'] });
    await reads.record({ actor: 'x', purpose: null, endpoint: 'other', memberIds: ['m-9'] });
    const first = await reads.readsOf('m-1', 2);
    expect(first.items.map((r) => [r.endpoint, r.memberIds, r.othersRead])).toEqual([['c', ['m-1'], 1], ['b', ['m-1'], 1]]);
    const second = await reads.readsOf('m-1', 2, first.nextCursor!);
    expect([second.items.map((r) => r.endpoint), second.nextCursor]).toEqual([['a'], null]);
    await expect(reads.readsOf('m-1', 2, 'bm90LWEtcm93')).rejects.toThrow();
  });

  it('refuses a purpose members\u2019 reads refuse, before any read', () => {
    const log = new ReadLoggingAuditableLog({ readAll: async () => [], readStream: async () => [], headPosition: async () => 0 }, new InMemoryReadLog());
    expect(() => log.readFor({ actor: auditor, endpoint: 'GET /audit/events', purpose: 'x'.repeat(201) })).toThrow('X-Purpose');
  });
});
