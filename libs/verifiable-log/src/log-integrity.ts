import {
  chainHash,
  Frontier,
  fromHex,
  Hash,
  inclusionPath,
  leafOf,
  LogVerdict,
  Problem,
  signCheckpoint,
  signNote,
  toHex,
  verifierKey,
  verifyInclusion,
} from './verifier-core';
import { LogBundle } from './log-bundle';
import { ChainSource, CheckpointStore, LogSigner, StoredCheckpoint } from './log-ports';
import { SignedCheckpoints } from './signed-checkpoints';
import { LeafReader, StoredTree, TileBuilder, TreeNodeStore, TreeReader } from './tree-tiles';
import { TrustedStart, trustedStart } from './trusted-start';
import { RUN_EVENTS, VerificationRuns } from './verification-runs';

import { LogDamaged } from './log-ports';

export { LogDamaged };

export const PAGE = 5000;

/**
 * A log's integrity, on the service that owns the log: it signs checkpoints of the chain's Merkle
 * tree, verifies the whole log, proves an event's inclusion and writes the offline bundle.
 */
export class LogIntegrity {
  private frontier?: Frontier;
  /** The tree's stored nodes, drawn as the checkpoints read new leaves; false where the chain gave none (proofs then read every leaf). */
  private tiles?: TileBuilder | false;
  private readonly tree: StoredTree;
  private readonly signed: SignedCheckpoints;

  constructor(
    readonly service: string,
    readonly origin: string,
    private readonly chain: ChainSource,
    private readonly checkpoints: CheckpointStore & TreeNodeStore,
    private readonly signer: LogSigner,
    private readonly say: (message: string) => void = () => undefined,
  ) {
    this.tree = new StoredTree(this.leafReader, checkpoints, say);
    this.signed = new SignedCheckpoints(checkpoints, signer, origin, { reader: this.leafReader, upTo: (size) => this.leaves(size) }, say);
  }

  /** The chain's leaves from `from` (each stored hash's leaf in its chain version). */
  readonly leafReader: LeafReader = async (from, count) => (await this.chain.hashes(from, count)).map(({ seq, hash, version }) => ({ seq, leaf: leafOf(version ?? 1, hash) }));

  /** The tree of a checkpoint, drawn from the stored nodes and its right edge. */
  treeOf(checkpoint: StoredCheckpoint): TreeReader {
    return new TreeReader(this.leafReader, this.checkpoints, checkpoint.frontier);
  }

  get verifierKey(): string {
    return verifierKey(this.signer.name, this.signer.publicKey);
  }

  get keyName(): string {
    return this.signer.name;
  }

  /** A note's text signed with the log's key: a bundle's seal. */
  sign(body: string): string {
    return signNote(body, this.signer.name, this.signer.privateKey, this.signer.publicKey);
  }

  /**
   * The checkpoints signed so far, oldest first, each root as its signed note holds it: the stored
   * root column is the database's copy, which verification compares with the note (storedRootProblems).
   */
  async checkpointsMade(): Promise<StoredCheckpoint[]> {
    return (await this.checkpoints.all()).map((c) => ({ ...c, rootHash: this.signedRoot(c) ?? c.rootHash }));
  }

  /** A page of the checkpoints (CheckpointStore.page), each root as its signed note holds it. */
  async checkpointsPage(afterSize: number | undefined, limit: number): Promise<{ checkpoints: StoredCheckpoint[]; more: boolean }> {
    const { checkpoints, more } = await this.checkpoints.page(afterSize, limit);
    return { checkpoints: checkpoints.map((c) => ({ ...c, rootHash: this.signedRoot(c) ?? c.rootHash })), more };
  }

  /** The first signed checkpoint whose tree holds leaf `index` (SignedCheckpoints.covering). */
  signedCovering(index: number): Promise<StoredCheckpoint | undefined> {
    return this.signed.covering(index);
  }

  /** The newest signed checkpoint (SignedCheckpoints.latest). */
  latestSigned(): Promise<StoredCheckpoint | undefined> {
    return this.signed.latest();
  }

  /** The root a checkpoint's note holds, when the note opens with the log's key. */
  signedRoot(c: StoredCheckpoint): string | undefined {
    return this.signed.rootOf(c);
  }

  /** Signs a checkpoint of the chain as it stands, unless the last one already covers it. */
  async checkpoint(): Promise<StoredCheckpoint | undefined> {
    const last = await this.latestSigned();
    if (!this.frontier || (last && last.size > this.frontier.size)) [this.frontier, this.tiles] = [last ? await this.signed.edgeOf(last) : Frontier.empty(), undefined];
    this.tiles ??= (await this.tree.builderAt(this.frontier.size, PAGE)) ?? false;
    for (let page = await this.chain.hashes(this.frontier.size, PAGE); page.length > 0; page = await this.chain.hashes(this.frontier.size, PAGE)) {
      for (const { seq, hash, version } of page) {
        if (seq !== this.frontier.size) throw new Error(`the chain skips from ${this.frontier.size} to ${seq}: not signing it`);
        const leaf = leafOf(version ?? 1, hash);
        this.frontier.append(leaf);
        if (this.tiles) this.tiles.append(leaf);
      }
    }
    // The nodes before the checkpoint that covers them: a checkpoint's tree is then always drawn from stored nodes.
    if (this.tiles) await this.tree.save(this.tiles);
    if (last && last.size >= this.frontier.size) return undefined;
    if (this.frontier.size === 0) return undefined;
    const root = this.frontier.root();
    const note = signCheckpoint({ origin: this.origin, size: this.frontier.size, root }, this.signer.name, this.signer.privateKey, this.signer.publicKey);
    const made = { size: this.frontier.size, rootHash: toHex(root), note, frontier: this.frontier.toJSON() };
    await this.checkpoints.save(made);
    return { ...made, madeAt: new Date().toISOString() };
  }

  /** How many events a run of verification holds at least (VerificationRuns): its memory. */
  runEvents = RUN_EVENTS;

  /**
   * The whole log from its first event, against every stored checkpoint, in runs of bounded memory;
   * or, given a checkpoint the auditor trusts (its signed note), the events after it, against the
   * checkpoints after it, when the log as stored holds it (trustedStart); when it does not, the
   * whole log, with the problem that says why.
   */
  async verify(trusted?: string): Promise<LogVerdict & { trustedFrom?: { size: number; rootHash: string } }> {
    const deps = { origin: this.origin, signer: this.signer, chain: this.chain, checkpoints: this.checkpoints, treeOf: (c: StoredCheckpoint) => this.treeOf(c), leafReader: this.leafReader, leaves: (n: number) => this.leaves(n) };
    const start = trusted === undefined ? undefined : await trustedStart(trusted, deps);
    if (start && !('problem' in start)) return { ...(await this.verifyInRuns(start)), trustedFrom: { size: start.size, rootHash: start.rootHash } };
    const verdict = await this.verifyInRuns();
    return { ...verdict, problems: [...(start ? [start.problem] : []), ...verdict.problems] };
  }

  /** In runs (VerificationRuns), and again in one where an event reached back into a closed run. */
  private async verifyInRuns(start?: TrustedStart): Promise<LogVerdict> {
    return (await this.readInRuns(this.runEvents, start)) ?? (await this.readInRuns(Infinity, start))!;
  }

  /** The log read page by page; each run's checkpoints read as it closes, their stored roots checked against their notes. */
  private async readInRuns(runEvents: number, start?: TrustedStart): Promise<LogVerdict | undefined> {
    const rootProblems: Problem[] = [];
    const notesBetween = async (after: number, upTo: number) => {
      const stored = await this.checkpoints.between(after, upTo);
      rootProblems.push(...this.storedRootProblems(stored));
      return stored.map((c) => c.note);
    };
    const runs = new VerificationRuns(notesBetween, { name: this.signer.name, publicKey: this.signer.publicKey, origin: this.origin }, runEvents, start);
    for (let after = start?.afterPosition ?? 0; ; ) {
      const page = await this.chain.entries(after, PAGE);
      if (page.length === 0) break;
      await runs.pageComing();
      page.forEach((row) => runs.feed(row));
      after = page[page.length - 1].position;
    }
    const verdict = await runs.finish();
    return verdict && { ...verdict, problems: [...verdict.problems, ...rootProblems] };
  }

  /** Stored checkpoints whose root column (what the API served before it read the note) is not their signed note's. */
  private storedRootProblems(stored: StoredCheckpoint[]): Problem[] {
    return stored.flatMap((c) => {
      const signed = this.signedRoot(c);
      if (signed === undefined || signed === c.rootHash) return [];
      return [{ kind: 'checkpoint-signature' as const, position: null, detail: `checkpoint ${c.size}: its stored root ${c.rootHash} is not the root its signed note holds (${signed})` }];
    });
  }

  /**
   * The proof that the event at `position` is in the first checkpoint that covers it: drawn from
   * the tree's stored nodes, else (nodes missing, or not giving the signed root) from every leaf.
   */
  async inclusionProof(position: number) {
    // The event's row alone gives its index, its hashes and its entry: one read.
    const [row] = await this.chain.entries(position - 1, 1);
    if (row?.position !== position || row.seq === null) return undefined;
    const seq = row.seq;
    const checkpoint = await this.signedCovering(seq);
    if (!checkpoint) return { position, leafIndex: seq, checkpoint: null, proof: [] as string[] };
    const version = row.version ?? 1;
    if (!row.hash || !row.prevHash || row.hash !== toHex(chainHash(version, fromHex(row.prevHash), row.entry))) {
      throw new LogDamaged(`the event at position ${position} as stored does not give its hash: it was changed`);
    }
    const leaf = leafOf(version, fromHex(row.hash));
    const holds = (path?: Hash[]): path is Hash[] => !!path && verifyInclusion(leaf, seq, checkpoint.size, path, fromHex(checkpoint.rootHash));
    let proof = await this.treeOf(checkpoint).inclusionPath(seq, checkpoint.size).catch(() => undefined);
    // A proof is given only when it holds: a log damaged around the event (a row deleted, an edit) would give one that does not.
    if (!holds(proof)) proof = await this.fromLeaves(checkpoint.size, (leaves) => inclusionPath(leaves, seq, checkpoint.size));
    if (!holds(proof)) {
      throw new LogDamaged(`the stored chain does not reach checkpoint ${checkpoint.size}'s signed root from the event at position ${position} (index ${seq})`);
    }
    return {
      position,
      leafIndex: seq,
      eventHash: row.hash,
      chainVersion: version,
      leafHash: toHex(leaf),
      treeSize: checkpoint.size,
      rootHash: checkpoint.rootHash,
      checkpoint: checkpoint.note,
      proof: proof.map(toHex),
    };
  }

  /** A proof drawn from the first `size` leaves as stored; none where the chain does not reach `size`. */
  async fromLeaves(size: number, draw: (leaves: Hash[]) => Hash[]): Promise<Hash[] | undefined> {
    const leaves = await this.leaves(size);
    return leaves.length < size ? undefined : draw(leaves);
  }

  /** The bundle of the log from `fromPosition` to `toPosition`, line by line (verifier-core.ts says its form). */
  bundle(fromPosition = 0, toPosition?: number): AsyncIterable<string> {
    return new LogBundle(this, this.chain, this.checkpoints).lines(fromPosition, toPosition);
  }

  /** The first `size` leaves (each event's leaf hash in its chain version: leafOf), read in pages; they stop where the chain skips an index. */
  async leaves(size: number): Promise<Hash[]> {
    const out: Hash[] = [];
    while (out.length < size) {
      const page = await this.chain.hashes(out.length, Math.min(PAGE, size - out.length));
      for (const { seq, hash, version } of page) {
        if (seq !== out.length) return out;
        out.push(leafOf(version ?? 1, hash));
      }
      if (page.length === 0) break;
    }
    return out;
  }
}


