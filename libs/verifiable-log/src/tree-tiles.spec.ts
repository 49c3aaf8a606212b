import { createHash } from 'node:crypto';
import { TileBuilder, TreeNode, TreeNodesMissing, TreeNodeStore, TreeReader } from './tree-tiles';
import { consistencyPath, Frontier, Hash, inclusionPath, rootOf, toHex } from './verifier-core';

const leafAt = (i: number): Hash => createHash('sha256').update(`leaf ${i}`).digest();
const leavesOf = (n: number): Hash[] => Array.from({ length: n }, (_, i) => leafAt(i));

/** Stored nodes in memory, as the SQL table keeps them. */
class MemoryNodes implements TreeNodeStore {
  readonly rows = new Map<string, Hash>();
  async nodes(height: number, from: number, count: number) {
    const out: { index: number; hash: Hash }[] = [];
    for (let i = from; i < from + count; i += 1) {
      const hash = this.rows.get(`${height}/${i}`);
      if (hash) out.push({ index: i, hash });
    }
    return out;
  }
  async nodeCounts(size: number) {
    const counts = new Map<number, number>();
    for (const key of this.rows.keys()) {
      const [h, i] = key.split('/').map(Number);
      if (i < Math.floor(size / 2 ** h)) counts.set(h, (counts.get(h) ?? 0) + 1);
    }
    return counts;
  }
  async saveNodes(nodes: TreeNode[]) {
    for (const n of nodes) if (!this.rows.has(`${n.height}/${n.index}`)) this.rows.set(`${n.height}/${n.index}`, n.hash);
  }
}

/** Leaves as the chain gives them; `reads` counts the rows read. */
function chainOf(leaves: Hash[]) {
  const counter = { reads: 0 };
  const reader = async (from: number, count: number) => {
    const rows = leaves.slice(from, from + count).map((leaf, i) => ({ seq: from + i, leaf }));
    counter.reads += rows.length;
    return rows;
  };
  return { reader, counter };
}

async function stored(leaves: Hash[], tileHeight: number): Promise<MemoryNodes> {
  const store = new MemoryNodes();
  const builder = new TileBuilder(0, tileHeight);
  leaves.forEach((leaf) => builder.append(leaf));
  await store.saveNodes(builder.unsaved());
  return store;
}

const frontierOf = (leaves: Hash[], n: number) => {
  const f = Frontier.empty();
  leaves.slice(0, n).forEach((leaf) => f.append(leaf));
  return f.toJSON();
};

describe('the tree\'s stored nodes', () => {
  it('given leaves appended one by one, stores the root of every perfect subtree whose height is a multiple of the tile height', async () => {
    const leaves = leavesOf(100);
    const store = await stored(leaves, 2);
    expect(store.rows.size).toBe(25 + 6 + 1); // heights 2, 4 and 6: 100/4, 100/16, 100/64
    expect(toHex(store.rows.get('4/3')!)).toBe(toHex(rootOf(leaves, 48, 64)));
    expect(toHex(store.rows.get('6/0')!)).toBe(toHex(rootOf(leaves, 0, 64)));
  });

  it('given a builder resumed at any size from what is stored, draws the same nodes as one that never stopped', async () => {
    const leaves = leavesOf(90);
    const whole = await stored(leaves, 2);
    for (const size of [0, 1, 3, 4, 15, 16, 17, 63, 64, 65, 80]) {
      const store = await stored(leaves.slice(0, size), 2);
      const resumed = await TileBuilder.resume(size, chainOf(leaves).reader, store, 2);
      leaves.slice(size).forEach((leaf) => resumed.append(leaf));
      await store.saveNodes(resumed.unsaved());
      expect(new Map([...store.rows].map(([k, v]) => [k, toHex(v)]))).toEqual(new Map([...whole.rows].map(([k, v]) => [k, toHex(v)])));
    }
  });

  it('when asked for proofs, gives exactly the RFC 9162 proofs of the leaves themselves, at every size and index', async () => {
    const leaves = leavesOf(70);
    for (const tileHeight of [1, 2, 3]) {
      const store = await stored(leaves, tileHeight);
      for (let n = 1; n <= leaves.length; n += 1) {
        const tree = new TreeReader(chainOf(leaves).reader, store, frontierOf(leaves, n), tileHeight);
        for (let m = 0; m < n; m += 1) expect((await tree.inclusionPath(m, n)).map(toHex)).toEqual(inclusionPath(leaves, m, n).map(toHex));
        for (let m = 1; m <= n; m += 1) expect((await tree.consistencyPath(m, n)).map(toHex)).toEqual(consistencyPath(leaves, m, n).map(toHex));
        for (let k = 0; k <= n; k += 7) expect((await tree.frontierOf(k)).map(toHex)).toEqual(frontierOf(leaves, k).nodes);
      }
    }
  });

  it('when asked for a proof in a large tree, reads a few rows, not every leaf', async () => {
    const leaves = leavesOf(5000);
    const store = await stored(leaves, 4);
    const { reader, counter } = chainOf(leaves);
    const tree = new TreeReader(reader, store, frontierOf(leaves, 5000), 4);
    expect((await tree.inclusionPath(1234, 5000)).map(toHex)).toEqual(inclusionPath(leaves, 1234, 5000).map(toHex));
    expect(counter.reads).toBeLessThan(16);
  });

  it('when a stored node is missing, says so rather than drawing another tree', async () => {
    const leaves = leavesOf(40);
    const store = await stored(leaves, 2);
    store.rows.delete('2/1');
    const tree = new TreeReader(chainOf(leaves).reader, store, frontierOf(leaves, 40), 2);
    await expect(tree.inclusionPath(0, 40)).rejects.toThrow(TreeNodesMissing);
    // Resuming needs only the nodes after the last full tile of the level above (those of height 2 from 8 on).
    await expect(TileBuilder.resume(40, chainOf(leaves).reader, store, 2)).resolves.toBeInstanceOf(TileBuilder);
    store.rows.delete('2/9');
    await expect(TileBuilder.resume(40, chainOf(leaves).reader, store, 2)).rejects.toThrow(TreeNodesMissing);
  });
});
