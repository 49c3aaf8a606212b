import { RegisterClient } from './client';
import { checkLogs } from './invariants';

/** The log invariants of the fault harness on made-up logs: each finding shows when, and only when, it should. */
describe('the fault harness log checks', () => {
  const event = (position: number, stream: string, revision: number, commandId: string | null, extra: { type?: string; data?: string; causationId?: string } = {}) => ({
    service: 'organisation', position, stream, revision, type: extra.type ?? 'BranchEstablished', data: extra.data ?? `{"n":${position}}`, commandId, causationId: extra.causationId ?? null,
  });
  const client = (acknowledged: string[], sent: string[] = acknowledged) => {
    const c = new RegisterClient('http://127.0.0.1:9', 'run');
    for (const key of sent) c.sentKeys.add(key);
    for (const key of acknowledged) c.acknowledged.push({ op: 'x', path: '/x', key, status: 201, body: {} });
    return c;
  };

  it('a clean log: one append per command, a merger moving two branches in one append, reactions once', () => {
    const log = [event(1, 's', 0, 'k1'), event(2, 's', 1, 'k2', { type: 'BranchMoved', data: '{"b":1}' }), event(3, 's', 2, 'k2', { type: 'BranchMoved', data: '{"b":2}' }), event(4, 'm-1', 0, 'r1', { causationId: 'e2' })];
    expect(checkLogs(log, client(['k1', 'k2']))).toEqual({ lost: [], doubled: [], orphans: [] });
  });

  it('an acknowledged command without events is lost; a retried, unanswered one is not', () => {
    expect(checkLogs([event(1, 's', 0, 'k1')], client(['k1', 'k2'], ['k1', 'k2', 'k3'])).lost.map((a) => a.key)).toEqual(['k2']);
  });

  it('a command appended twice (a gap in its revisions, or the same event twice) and a reaction applied twice are doubled', () => {
    const gap = [event(1, 's', 0, 'k1'), event(2, 's', 1, 'k2'), event(3, 's', 2, 'k1', { data: '{"n":1}' })];
    const same = [event(1, 't', 0, 'k3', { data: '{"a":1}' }), event(2, 't', 1, 'k3', { data: '{"a":1}' })];
    const reaction = [event(1, 'm-1', 0, 'r1', { causationId: 'e9', data: '{"to":"b-2"}' }), event(2, 'm-1', 1, 'r1b', { causationId: 'e9', data: '{"to":"b-2"}' })];
    const found = checkLogs([...gap, ...same, ...reaction], client(['k1', 'k2', 'k3'])).doubled;
    expect(found.map((d) => d.split(':')[0])).toEqual(['k1 organisation/s', 'k3 organisation/t', 'e9 organisation/m-1']);
  });

  it('an event whose command the client never sent, and that no event caused, is an orphan', () => {
    expect(checkLogs([event(1, 's', 0, 'k1'), event(2, 's', 1, 'stranger')], client(['k1'])).orphans.map((e) => e.commandId)).toEqual(['stranger']);
  });
});
