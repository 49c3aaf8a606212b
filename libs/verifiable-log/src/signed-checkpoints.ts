import type { CheckpointStore, LogSigner, StoredCheckpoint } from './log-ports';
import { LeafReader, TreeNodeStore, TreeReader } from './tree-tiles';
import { Frontier, fromHex, Hash, openCheckpoint, toHex } from './verifier-core';

/**
 * A log's stored checkpoints as signed. A row is built on (gone on from, proved against, tied to an
 * export's range) only when its note opens with the log's key and names this log and its size; a
 * row written around the register is passed over, and verification names it. A black-box probe
 * found rows with a bad signature proved against, and one beyond the head stopping every later
 * checkpoint.
 */
export class SignedCheckpoints {
  /** The signed checkpoint whose tree the log no longer gives: nothing is signed over it. */
  private refusedAt?: number;

  constructor(
    private readonly store: CheckpointStore & TreeNodeStore,
    private readonly signer: Pick<LogSigner, 'name' | 'publicKey'>,
    private readonly origin: string,
    private readonly leaves: { reader: LeafReader; upTo(size: number): Promise<Hash[]> },
    private readonly say: (message: string) => void,
  ) {}

  /** The root a checkpoint's note holds, when the note opens with the log's key. */
  rootOf(c: StoredCheckpoint): string | undefined {
    const opened = openCheckpoint(c.note, this.signer.name, this.signer.publicKey);
    return opened.ok ? toHex(opened.checkpoint.root) : undefined;
  }

  /** The first signed checkpoint whose tree holds leaf `index`. */
  async covering(index: number): Promise<StoredCheckpoint | undefined> {
    for (let c = await this.store.firstCovering(index); c; c = await this.store.firstCovering(c.size)) {
      const signed = this.genuine(c);
      if (signed) return signed;
    }
    return undefined;
  }

  /** The newest signed checkpoint. */
  async latest(): Promise<StoredCheckpoint | undefined> {
    for (let c = await this.store.latest(); c; c = await this.store.latest(c.size)) {
      const signed = this.genuine(c);
      if (signed) return signed;
    }
    return undefined;
  }

  /**
   * The right edge of a signed checkpoint's tree, to go on from: its stored frontier where that
   * gives its signed root, else drawn again from the stored nodes or every leaf. Where the log no
   * longer gives that root, nothing is signed over it: verification says what changed.
   */
  async edgeOf(c: StoredCheckpoint): Promise<Frontier> {
    const refused = `the log's first ${c.size} events no longer give checkpoint ${c.size}'s signed root: not signing over them (POST /audit/verifications names what changed)`;
    // Found once: the log is not read again at every tick.
    if (this.refusedAt === c.size) throw new Error(refused);
    const root = fromHex(c.rootHash);
    const holds = (f?: Frontier) => f?.size === c.size && f.root().equals(root);
    const stored = frontierOrNone(c.frontier);
    if (holds(stored)) return stored!;
    this.say(`checkpoint ${c.size}'s stored frontier does not give its signed root: drawing it again from the log`);
    const nodes = await new TreeReader(this.leaves.reader, this.store, { size: 0, nodes: [] }).frontierOf(c.size).catch(() => undefined);
    const drawn = nodes && frontierOrNone({ size: c.size, nodes: nodes.map(toHex) });
    if (holds(drawn)) return drawn!;
    const fromLeaves = Frontier.empty();
    (await this.leaves.upTo(c.size)).forEach((leaf) => fromLeaves.append(leaf));
    if (holds(fromLeaves)) return fromLeaves;
    this.refusedAt = c.size;
    throw new Error(refused);
  }

  /** The row as signed, its root the note's; undefined where its note does not open with the log's key, or names another log or size. */
  private genuine(c: StoredCheckpoint): StoredCheckpoint | undefined {
    const opened = openCheckpoint(c.note, this.signer.name, this.signer.publicKey);
    if (!opened.ok || opened.checkpoint.origin !== this.origin || opened.checkpoint.size !== c.size) return undefined;
    return { ...c, rootHash: toHex(opened.checkpoint.root) };
  }
}

/** A stored frontier, where it is one (a row written around the register may hold anything). */
function frontierOrNone(saved: { size: number; nodes: string[] } | undefined): Frontier | undefined {
  try {
    return saved ? Frontier.fromJSON(saved) : undefined;
  } catch {
    return undefined;
  }
}
