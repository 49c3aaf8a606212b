import { LogVerifier } from '@register/verifiable-log';
import { generateKeyPairSync } from 'node:crypto';
import { chainEvents, EMPTY_CHAIN, eventStoreDbEntry } from './eventstoredb-chain';

const event = (n: number) => ({ eventId: `e-${n}`, type: 'UnitRenamed', schemaVersion: 1, data: { name: `Đoàn xã ${n}` }, metadata: { actor: 'a', reason: 'r', effectiveDate: '2026-12-02', correlationId: 'c' } });

describe('the hash chain on EventStoreDB, in metadata', () => {
  it('chains appends one after another from the head, in version 2 from an empty log, as a verifier checks them', () => {
    const first = chainEvents(EMPTY_CHAIN, 'units-1', [event(0), event(1)]);
    const second = chainEvents(first.head, 'units-2', [event(2)]);
    const all = [...first.events.map((e) => ['units-1', e] as const), ...second.events.map((e) => ['units-2', e] as const)];
    expect(all.map(([, e]) => [e.chain.seq, e.chain.version])).toEqual([[0, 2], [1, 2], [2, 2]]);
    const verifier = new LogVerifier();
    all.forEach(([stream, e], i) => verifier.feed({ position: i + 1, seq: e.chain.seq, prevHash: e.chain.prevHash, hash: e.chain.hash, entry: eventStoreDbEntry(stream, e), version: e.chain.version }));
    expect(verifier.finish([], 'k', generateKeyPairSync('ed25519').publicKey).problems).toEqual([]);
    const edited = { ...all[1][1], data: { name: 'Đoàn xã giả' } };
    const check = new LogVerifier();
    check.feed({ position: 1, seq: 1, prevHash: edited.chain.prevHash, hash: edited.chain.hash, entry: eventStoreDbEntry('units-1', edited), version: 2 });
    expect(check.problems.map((p) => p.kind)).toEqual(['edited']);
  });
});

describe('a log chained on EventStoreDB before version 2', () => {
  it('goes on in version 1 from its head, and verifies', () => {
    const old = chainEvents({ seq: -1, hash: '0'.repeat(64) }, 'units-1', [event(0)]);
    expect(old.events[0].chain.version).toBe(1);
    const next = chainEvents({ seq: old.head.seq, hash: old.head.hash, version: 1 }, 'units-1', [event(1)]);
    const verifier = new LogVerifier();
    [...old.events, ...next.events].forEach((e, i) => verifier.feed({ position: i + 1, seq: e.chain.seq, prevHash: e.chain.prevHash, hash: e.chain.hash, entry: eventStoreDbEntry('units-1', e), version: e.chain.version }));
    expect(verifier.finish([], 'k', generateKeyPairSync('ed25519').publicKey).problems).toEqual([]);
  });
});
