import { consistencyRanges, fromHex, Hash, inclusionRanges, LeafRange, nodeHash, rootOf } from './verifier-core';

/**
 * The Merkle tree's stored nodes ("tiles", as in C2SP's tlog-tiles): the root of every perfect
 * subtree whose height is a multiple of TILE_HEIGHT, kept beside the checkpoints. Any node of the
 * tree is then drawn from at most 2^(TILE_HEIGHT - 1) stored nodes or leaves, so a proof reads
 * O(log n) rows rather than every leaf. They are derived from the chain, like the checkpoints, and
 * never trusted: a proof drawn from them is checked against the signed root before it is given.
 */
export const TILE_HEIGHT = 8;

export interface TreeNode {
  height: number;
  /** The subtree's place among those of its height: it covers leaves [index·2^height, (index+1)·2^height). */
  index: number;
  hash: Hash;
}

/** Where a log keeps its tree's stored nodes. */
export interface TreeNodeStore {
  /** The nodes of `height` with index in [from, from + count), by index; a missing one is absent. */
  nodes(height: number, from: number, count: number): Promise<{ index: number; hash: Hash }[]>;
  /** How many nodes of each height the tree of `size` leaves has stored (those wholly inside it). */
  nodeCounts(size: number): Promise<Map<number, number>>;
  /** Stores nodes; one already there is kept (two instances draw the same node). */
  saveNodes(nodes: TreeNode[]): Promise<void>;
}

/** The leaves of the chain from `from` (leafOf each stored hash), in index order; at most `count`. */
export type LeafReader = (from: number, count: number) => Promise<{ seq: number; leaf: Hash }[]>;

/** The tree can not be drawn from what is stored (a node or a leaf missing): the caller reads the leaves instead. */
export class TreeNodesMissing extends Error {}

const pow2 = (h: number): number => 2 ** h;

/** The largest h with 2^h ≤ n (n ≥ 1), exactly: Math.log2 rounds near large powers of two. */
function floorLog2(n: number): number {
  let h = 0;
  while (pow2(h + 1) <= n) h += 1;
  return h;
}

/**
 * Draws the stored nodes as leaves are appended in order: each full tile of a level (2^tileHeight
 * nodes) gives one node of the next. It holds at most one partial tile per level.
 */
export class TileBuilder {
  private readonly pending: Hash[][] = [];
  private made: TreeNode[] = [];

  constructor(
    private count = 0,
    readonly tileHeight = TILE_HEIGHT,
  ) {}

  get size(): number {
    return this.count;
  }

  append(leaf: Hash): void {
    this.count += 1;
    let hash = leaf;
    for (let level = 0; ; level += 1) {
      const row = (this.pending[level] ??= []);
      row.push(hash);
      if (row.length < pow2(this.tileHeight)) return;
      hash = rootOf(row);
      this.pending[level] = [];
      const height = (level + 1) * this.tileHeight;
      this.made.push({ height, index: this.count / pow2(height) - 1, hash });
    }
  }

  /** The nodes drawn since the last `saved()`. */
  unsaved(): TreeNode[] {
    return this.made;
  }

  saved(): void {
    this.made = [];
  }

  /**
   * A builder at `size` leaves, its partial tiles read back: the leaves after the last full tile,
   * and at each level the stored nodes after the last full tile of the level above.
   */
  static async resume(size: number, leaves: LeafReader, store: TreeNodeStore, tileHeight = TILE_HEIGHT): Promise<TileBuilder> {
    const builder = new TileBuilder(size, tileHeight);
    const tile = pow2(tileHeight);
    const first = Math.floor(size / tile) * tile;
    builder.pending[0] = await readLeaves(leaves, first, size - first);
    for (let level = 1; pow2(level * tileHeight) <= size; level += 1) {
      const made = Math.floor(size / pow2(level * tileHeight));
      const from = Math.floor(made / tile) * tile;
      builder.pending[level] = await readNodes(store, level * tileHeight, from, made - from);
    }
    return builder;
  }
}

/**
 * Draws the roots of ranges of the tree of `edge.size` leaves from the stored nodes, the chain's
 * leaves and that tree's right edge (the frontier kept with its checkpoint), and so its proofs.
 */
export class TreeReader {
  private readonly edge = new Map<string, Hash>();

  constructor(
    private readonly leaves: LeafReader,
    private readonly store: TreeNodeStore,
    frontier: { size: number; nodes: string[] },
    private readonly tileHeight = TILE_HEIGHT,
  ) {
    let start = 0;
    const heights = [...Array(53).keys()].reverse().filter((h) => Math.floor(frontier.size / pow2(h)) % 2 === 1);
    heights.forEach((h, i) => {
      this.edge.set(`${start}/${h}`, fromHex(frontier.nodes[i]));
      start += pow2(h);
    });
  }

  /** The audit path of leaf m in the tree of n leaves (n at most the edge's size). */
  inclusionPath(m: number, n: number): Promise<Hash[]> {
    return this.roots(inclusionRanges(m, n));
  }

  /** The proof that the tree of n leaves extends that of its first m. */
  consistencyPath(m: number, n: number): Promise<Hash[]> {
    return this.roots(consistencyRanges(m, n));
  }

  /** The perfect subtrees' roots of the first `size` leaves, largest first: a Frontier's nodes. */
  async frontierOf(size: number): Promise<Hash[]> {
    const out: Hash[] = [];
    for (let h = 52, start = 0; h >= 0; h -= 1) {
      if (Math.floor(size / pow2(h)) % 2 === 0) continue;
      out.push(await this.perfect(start, h));
      start += pow2(h);
    }
    return out;
  }

  private roots(ranges: LeafRange[]): Promise<Hash[]> {
    return Promise.all(ranges.map(([a, b]) => this.rangeRoot(a, b)));
  }

  /** MTH(D[a:b]): its perfect subtrees, largest first, folded from the right (RFC 9162 §2.1.1). */
  private async rangeRoot(a: number, b: number): Promise<Hash> {
    const parts: Hash[] = [];
    for (let start = a; start < b; ) {
      const h = floorLog2(b - start);
      parts.push(await this.perfect(start, h));
      start += pow2(h);
    }
    return parts.reduceRight((right, left) => nodeHash(left, right));
  }

  /** The root of the perfect subtree of height h over leaves from `start`: from the edge, a stored node, or those below it. */
  private async perfect(start: number, h: number): Promise<Hash> {
    if (start % pow2(h) !== 0) throw new TreeNodesMissing(`the leaves from ${start} make no subtree of height ${h}`);
    const kept = this.edge.get(`${start}/${h}`);
    if (kept) return kept;
    const stored = h - (h % this.tileHeight);
    const below = stored === 0 ? await readLeaves(this.leaves, start, pow2(h)) : await readNodes(this.store, stored, start / pow2(stored), pow2(h - stored));
    return rootOf(below);
  }
}

async function readLeaves(leaves: LeafReader, from: number, count: number): Promise<Hash[]> {
  if (count === 0) return [];
  const rows = await leaves(from, count);
  if (rows.length !== count || rows.some((r, i) => r.seq !== from + i)) throw new TreeNodesMissing(`the chain does not hold leaves ${from} to ${from + count - 1}`);
  return rows.map((r) => r.leaf);
}

async function readNodes(store: TreeNodeStore, height: number, from: number, count: number): Promise<Hash[]> {
  if (count === 0) return [];
  const rows = await store.nodes(height, from, count);
  if (rows.length !== count || rows.some((r, i) => r.index !== from + i)) throw new TreeNodesMissing(`the tree's nodes of height ${height} from ${from} are not all stored`);
  return rows.map((r) => r.hash);
}

/**
 * A log's stored nodes kept up with its checkpoints: the builder resumed where the nodes stop, or,
 * on a log signed before they were kept, drawn once from its first leaf (saved page by page, so
 * that a start stopped halfway goes on from the pages saved).
 */
export class StoredTree {
  constructor(
    private readonly leaves: LeafReader,
    private readonly store: TreeNodeStore,
    private readonly say: (message: string) => void,
    private readonly tileHeight = TILE_HEIGHT,
  ) {}

  /** A builder at `size` leaves whose earlier nodes are all stored; undefined where the chain does not give them. */
  async builderAt(size: number, page: number): Promise<TileBuilder | undefined> {
    try {
      if (await this.reaches(size)) return await TileBuilder.resume(size, this.leaves, this.store, this.tileHeight);
      return await this.drawn(size, page);
    } catch (error) {
      this.say(`the tree's nodes are not stored past this point; proofs read every leaf: ${(error as Error).message}`);
      return undefined;
    }
  }

  async save(builder: TileBuilder): Promise<void> {
    await this.store.saveNodes(builder.unsaved());
    builder.saved();
  }

  private async reaches(size: number): Promise<boolean> {
    const counts = await this.store.nodeCounts(size);
    for (let h = this.tileHeight; pow2(h) <= size; h += this.tileHeight) if ((counts.get(h) ?? 0) !== Math.floor(size / pow2(h))) return false;
    return true;
  }

  private async drawn(size: number, page: number): Promise<TileBuilder> {
    this.say(`drawing the tree's stored nodes over the ${size} events signed before they were kept (once)`);
    const builder = new TileBuilder(0, this.tileHeight);
    while (builder.size < size) {
      const rows = await this.leaves(builder.size, Math.min(page, size - builder.size));
      for (const { seq, leaf } of rows) {
        if (seq !== builder.size) throw new TreeNodesMissing(`the chain skips from ${builder.size} to ${seq}`);
        builder.append(leaf);
      }
      if (rows.length === 0) throw new TreeNodesMissing(`the chain ends at ${builder.size}, before ${size}`);
      await this.save(builder);
      if (builder.size < size && builder.size % (page * 20) < page) this.say(`the tree's stored nodes drawn over ${builder.size} of ${size} events`);
    }
    this.say(`the tree's stored nodes drawn over all ${size} events`);
    return builder;
  }
}
