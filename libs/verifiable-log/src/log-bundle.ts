import { ChainSource, CheckpointStore, EmptyRange, LogDamaged, StoredCheckpoint } from './log-ports';
import type { LeafReader, TreeReader } from './tree-tiles';
import { BundleSeal, consistencyPath, Frontier, fromHex, Hash, inclusionPath, sealBody, toHex, verifyConsistency, verifyInclusion } from './verifier-core';

const PAGE = 5000;

/** What a bundle asks of the log's integrity (LogIntegrity gives it). */
export interface BundleSource {
  service: string;
  origin: string;
  keyName: string;
  verifierKey: string;
  leafReader: LeafReader;
  treeOf(checkpoint: StoredCheckpoint): TreeReader;
  leaves(size: number): Promise<Hash[]>;
  signedRoot(c: StoredCheckpoint): string | undefined;
  signedCovering(index: number): Promise<StoredCheckpoint | undefined>;
  latestSigned(): Promise<StoredCheckpoint | undefined>;
  /** A note's text signed with the log's key (the bundle's seal). */
  sign(body: string): string;
}

/**
 * The offline bundle of a range of a log (verifier-core.ts says its form). Its proofs and the
 * prefix's compact range are drawn from the tree's stored nodes and checked against the signed
 * roots before they are written; where they do not hold they are drawn from the leaves as stored,
 * read once, and where the chain skips an index none is drawn past it (the verifier names the gap).
 */
export class LogBundle {
  private stored?: Promise<Hash[]>;

  constructor(
    private readonly integrity: BundleSource,
    private readonly chain: ChainSource,
    private readonly checkpoints: CheckpointStore,
  ) {}

  async *lines(fromPosition: number, toPosition?: number): AsyncIterable<string> {
    const signed = await this.signedEnd();
    // An empty range is refused rather than exported: its bundle would be unsigned by design (a probe read a header whose range ran backwards).
    if (fromPosition > Math.max(signed.position, 1)) throw EmptyRange.pastHead(fromPosition, signed.position);
    const until = toPosition === undefined ? signed.position : Math.min(toPosition, signed.position);
    const first = (await this.chain.entries(Math.max(fromPosition - 1, 0), 1, until))[0];
    // An empty log's whole bundle is still exported (unsigned, as designed); a range of none of a log's events is not.
    if (!first && signed.position > 0) throw EmptyRange.holdsNone(fromPosition, until, signed.position);
    const firstSeq = first?.seq ?? 0;
    const complete = fromPosition <= 1 && (toPosition === undefined || toPosition >= signed.position);
    const { service, origin, keyName, verifierKey } = this.integrity;
    // Drawn before the first line: where the stored log cannot give it, the answer is 409, not a bundle that cannot verify.
    const prefix = firstSeq > 0 ? await this.prefixLine(firstSeq, first.prevHash) : undefined;
    // The range asked, said for the auditor to compare: a range's events are proved in the log, and one cut back to a checkpoint inside it verifies as a shorter range (a probe).
    const range = complete ? {} : { fromPosition, toPosition: until };
    yield JSON.stringify({ type: 'log', service, origin, keyName, publicKey: verifierKey, complete, size: signed.size, ...range });
    if (prefix) yield prefix;
    let lastSeq = firstSeq - 1;
    const held: Pick<BundleSeal, 'events' | 'lastPosition' | 'lastHash'> = { events: 0, lastPosition: null, lastHash: null };
    for (let after = Math.max(fromPosition - 1, 0); ; ) {
      const page = await this.chain.entries(after, PAGE, until);
      if (page.length === 0) break;
      for (const row of page) yield JSON.stringify({ type: 'event', ...row });
      lastSeq = Math.max(lastSeq, ...page.map((r) => r.seq ?? -1));
      after = page[page.length - 1].position;
      Object.assign(held, { events: held.events + page.length, lastPosition: after, lastHash: page[page.length - 1].hash });
    }
    yield* this.proofs(firstSeq, lastSeq);
    yield JSON.stringify({ type: 'seal', note: this.integrity.sign(sealBody(origin, { complete, size: signed.size, ...range, ...held })) });
  }

  /**
   * Where the bundle ends: the newest signed checkpoint (its size, and the position of its last
   * event). Events appended while a bundle is written are under no signed root yet, and a bundle
   * that took them in held more than its first line said (found exporting while members were
   * admitted: the offline verifier named a gap, as if the log had been tampered with).
   */
  private async signedEnd(): Promise<{ size: number; position: number }> {
    const size = (await this.integrity.latestSigned())?.size ?? 0;
    const position = size > 0 ? await this.chain.positionOf(size - 1) : 0;
    if (position !== undefined) return { size, position };
    return this.chain.head(); // the chain skips an index: as before, the verifier names the gap
  }

  /** The range's checkpoints, each one's proof that it extends the one before, and the proof of a last leaf between two. */
  private async *proofs(firstSeq: number, lastSeq: number): AsyncIterable<string> {
    const inRange = (await this.checkpoints.between(firstSeq, lastSeq + 1)).map((c) => this.signed(c));
    for (const c of inRange) yield JSON.stringify({ type: 'checkpoint', note: c.note });
    for (let i = 1; i < inRange.length; i += 1) {
      const proof = await this.consistency(inRange[i - 1], inRange[i]);
      if (!proof) break;
      yield JSON.stringify({ type: 'consistency', from: inRange[i - 1].size, to: inRange[i].size, proof: proof.map(toHex) });
    }
    const ends = inRange.at(-1)?.size === lastSeq + 1;
    const covering = ends || lastSeq < firstSeq ? undefined : await this.integrity.signedCovering(lastSeq);
    const proof = covering && (await this.inclusion(lastSeq, covering));
    if (covering && proof) yield JSON.stringify({ type: 'covering', note: covering.note, leafIndex: lastSeq, proof: proof.map(toHex) });
  }

  private signed(c: StoredCheckpoint): StoredCheckpoint {
    return { ...c, rootHash: this.integrity.signedRoot(c) ?? c.rootHash };
  }

  private async consistency(from: StoredCheckpoint, to: StoredCheckpoint): Promise<Hash[] | undefined> {
    const drawn = await this.integrity.treeOf(to).consistencyPath(from.size, to.size).catch(() => undefined);
    if (drawn && verifyConsistency(from.size, to.size, fromHex(from.rootHash), fromHex(to.rootHash), drawn)) return drawn;
    return this.fromStored(to.size, (leaves) => consistencyPath(leaves, from.size, to.size));
  }

  private async inclusion(index: number, covering: StoredCheckpoint): Promise<Hash[] | undefined> {
    const drawn = await this.integrity.treeOf(covering).inclusionPath(index, covering.size).catch(() => undefined);
    const [leaf] = await this.integrity.leafReader(index, 1);
    if (drawn && leaf?.seq === index && verifyInclusion(leaf.leaf, index, covering.size, drawn, fromHex(covering.rootHash))) return drawn;
    return this.fromStored(covering.size, (leaves) => inclusionPath(leaves, index, covering.size));
  }

  private async prefixLine(firstSeq: number, firstPrev: string | null): Promise<string> {
    const [last] = await this.chain.hashes(firstSeq - 1, 1);
    return JSON.stringify({ type: 'prefix', frontier: await this.prefix(firstSeq), firstPrev, version: last?.version ?? 1 });
  }

  /**
   * The compact range of the leaves before the range: from the stored nodes when, with the leaves
   * after it up to the next checkpoint, it gives that checkpoint's signed root; else from the leaves
   * as stored, and where they stop short of the range (a row deleted before it) there is none: 409
   * log-damaged, as a proof of such an event is (a probe got a bundle whose prefix stopped at the
   * deleted row and chained on from the range: its verdict named the events between as missing).
   */
  private async prefix(firstSeq: number): Promise<{ size: number; nodes: string[] }> {
    const next = await this.integrity.signedCovering(firstSeq - 1);
    const latest = next ?? (await this.integrity.latestSigned());
    const nodes = latest && (await this.integrity.treeOf(latest).frontierOf(firstSeq).catch(() => undefined));
    if (nodes && (!next || (await this.reaches(firstSeq, nodes, next)))) return { size: firstSeq, nodes: nodes.map(toHex) };
    const leaves = (await this.storedLeaves(firstSeq)).slice(0, firstSeq);
    if (leaves.length < firstSeq) throw new LogDamaged(`the stored chain stops at index ${leaves.length}, before the range's first event (index ${firstSeq}): no prefix holds`);
    const prefix = Frontier.empty();
    leaves.forEach((leaf) => prefix.append(leaf));
    return prefix.toJSON();
  }

  /** The leaves as stored, read once up to the latest checkpoint (or `atLeast`); they stop where the chain skips an index. */
  private storedLeaves(atLeast = 0): Promise<Hash[]> {
    this.stored ??= this.checkpoints.latest().then((latest) => this.integrity.leaves(Math.max(latest?.size ?? 0, atLeast)));
    return this.stored;
  }

  private async reaches(size: number, nodes: Hash[], checkpoint: StoredCheckpoint): Promise<boolean> {
    const frontier = Frontier.fromJSON({ size, nodes: nodes.map(toHex) });
    const leaves = await this.integrity.leafReader(size, checkpoint.size - size);
    leaves.forEach(({ seq, leaf }) => seq === frontier.size && frontier.append(leaf));
    return frontier.size === checkpoint.size && toHex(frontier.root()) === checkpoint.rootHash;
  }

  /** A proof from the leaves as stored, read once up to the latest checkpoint; none past an index the chain skips. */
  private async fromStored(size: number, draw: (leaves: Hash[]) => Hash[]): Promise<Hash[] | undefined> {
    const leaves = await this.storedLeaves();
    return size <= leaves.length ? draw(leaves) : undefined;
  }
}
