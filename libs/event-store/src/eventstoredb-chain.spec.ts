import { LogVerifier } from '@register/verifiable-log';
import { generateKeyPairSync } from 'node:crypto';
import { chainEvents, EMPTY_CHAIN, eventStoreDbEntry } from './eventstoredb-chain';

const event = (n: number) => ({ eventId: `e-${n}`, type: 'UnitRenamed', schemaVersion: 1, data: { name: `Đoàn xã ${n}` }, metadata: { actor: 'a', reason: 'r', effectiveDate: '2026-12-02', correlationId: 'c' } });

describe('the hash chain on EventStoreDB, in metadata', () => {
  it('chains appends one after another from the head, as a verifier checks them', () => {
    const first = chainEvents(EMPTY_CHAIN, 'units-1', [event(0), event(1)]);
    const second = chainEvents(first.head, 'units-2', [event(2)]);
    const all = [...first.events.map((e) => ['units-1', e] as const), ...second.events.map((e) => ['units-2', e] as const)];
    expect(all.map(([, e]) => e.chain.seq)).toEqual([0, 1, 2]);
    const verifier = new LogVerifier();
    all.forEach(([stream, e], i) => verifier.feed({ position: i + 1, seq: e.chain.seq, prevHash: e.chain.prevHash, hash: e.chain.hash, entry: eventStoreDbEntry(stream, e) }));
    expect(verifier.finish([], 'k', generateKeyPairSync('ed25519').publicKey).problems).toEqual([]);
    const edited = { ...all[1][1], data: { name: 'Đoàn xã giả' } };
    const check = new LogVerifier();
    check.feed({ position: 1, seq: 1, prevHash: edited.chain.prevHash, hash: edited.chain.hash, entry: eventStoreDbEntry('units-1', edited) });
    expect(check.problems.map((p) => p.kind)).toEqual(['edited']);
  });
});
