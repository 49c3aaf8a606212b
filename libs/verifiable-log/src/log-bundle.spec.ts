import { LogBundle, BundleSource } from './log-bundle';
import { ChainSource, CheckpointStore, LogDamaged, StoredCheckpoint } from './log-ports';
import { ChainRow, leafHash } from './verifier-core';

const hashOf = (i: number) => leafHash(Buffer.from([i])).toString('hex');
const row = (seq: number): ChainRow => ({ position: seq + 1, seq, prevHash: hashOf(seq - 1), hash: hashOf(seq), entry: `["e${seq}"]`, version: 2 });

/**
 * Given a log whose row at index 3 was deleted, a checkpoint of its head that covers no index
 * before the range with a root that holds, and no stored tree nodes to give a range's prefix:
 * the leaves as stored stop at index 3.
 */
function damagedLog() {
  const rows = [0, 1, 2, 4, 5, 6].map(row);
  const chain: ChainSource = {
    entries: async (after, limit, to) => rows.filter((r) => r.position > after && (to === undefined || r.position <= to)).slice(0, limit),
    hashes: async (from, limit) => rows.filter((r) => r.seq! >= from).slice(0, limit).map((r) => ({ seq: r.seq!, hash: Buffer.from(r.hash!, 'hex'), version: 2 as const })),
    positionOf: async (seq) => rows.find((r) => r.seq === seq)?.position,
    head: async () => ({ size: 7, position: 7 }),
  };
  const signed: StoredCheckpoint = { size: 7, rootHash: '00', madeAt: '', note: 'n\n7\nAA==\n\n— k x\n', frontier: { size: 7, nodes: [] } };
  const source: BundleSource = {
    service: 'personnel', origin: 'o', keyName: 'k', verifierKey: 'k+1+x',
    leafReader: async () => [],
    treeOf: () => ({ frontierOf: async () => Promise.reject(new Error('no stored nodes')) }) as never,
    leaves: async () => [0, 1, 2].map((i) => Buffer.from(hashOf(i), 'hex')),
    signedRoot: () => undefined,
    signedCovering: async () => undefined,
    latestSigned: async () => signed,
    sign: (body) => `${body}\n— k x\n`,
  };
  const checkpoints = { latest: async () => signed, between: async () => [] } as unknown as CheckpointStore;
  return new LogBundle(source, chain, checkpoints);
}

describe('a bundle of a range of a damaged log', () => {
  it('answers no bundle (LogDamaged, 409) where the stored leaves stop before the range and no prefix holds, rather than a prefix that stops at the deleted row (found by a black-box probe)', async () => {
    const lines = damagedLog().lines(6)[Symbol.asyncIterator]();
    await expect(lines.next()).rejects.toThrow(LogDamaged);
  });
});
