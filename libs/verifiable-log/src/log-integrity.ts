import { KeyObject } from 'node:crypto';
import {
  ChainRow,
  ChainVersion,
  consistencyPath,
  Frontier,
  Hash,
  inclusionPath,
  leafOf,
  LogVerdict,
  LogVerifier,
  openCheckpoint,
  Problem,
  signCheckpoint,
  toHex,
  verifierKey,
  verifyInclusion,
} from './verifier-core';

/** The stored log does not hold together where a proof was asked: verification names what is wrong. */
export class LogDamaged extends Error {}

/** What the log's integrity reads of a log: its chain as stored (SqlLogChain gives it). */
export interface ChainSource {
  entries(afterPosition: number, limit: number, toPosition?: number): Promise<ChainRow[]>;
  /** The stored hashes by index, each with the chain version it was drawn in (absent: 1). */
  hashes(fromSeq: number, limit: number): Promise<{ seq: number; hash: Buffer; version?: ChainVersion }[]>;
  seqAt(position: number): Promise<number | undefined>;
  head(): Promise<{ size: number; position: number }>;
}

/** A checkpoint as stored: the signed note, and the frontier that lets the next one go on from it. */
export interface StoredCheckpoint {
  size: number;
  rootHash: string;
  madeAt: string;
  note: string;
  frontier: { size: number; nodes: string[] };
}

export interface CheckpointStore {
  all(): Promise<StoredCheckpoint[]>;
  latest(): Promise<StoredCheckpoint | undefined>;
  save(checkpoint: Omit<StoredCheckpoint, 'madeAt'>): Promise<void>;
}

export interface LogSigner {
  name: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const PAGE = 5000;

/**
 * A log's integrity, on the service that owns the log: it signs checkpoints of the chain's Merkle
 * tree, verifies the whole log, proves an event's inclusion and writes the offline bundle.
 */
export class LogIntegrity {
  private frontier?: Frontier;

  constructor(
    readonly service: string,
    readonly origin: string,
    private readonly chain: ChainSource,
    private readonly checkpoints: CheckpointStore,
    private readonly signer: LogSigner,
  ) {}

  get verifierKey(): string {
    return verifierKey(this.signer.name, this.signer.publicKey);
  }

  get keyName(): string {
    return this.signer.name;
  }

  /**
   * The checkpoints signed so far, oldest first, each root as its signed note holds it: the stored
   * root column is the database's copy, which verification compares with the note (storedRootProblems).
   */
  async checkpointsMade(): Promise<StoredCheckpoint[]> {
    return (await this.checkpoints.all()).map((c) => ({ ...c, rootHash: this.signedRoot(c) ?? c.rootHash }));
  }

  /** The root a checkpoint's note holds, when the note opens with the log's key. */
  private signedRoot(c: StoredCheckpoint): string | undefined {
    const opened = openCheckpoint(c.note, this.signer.name, this.signer.publicKey);
    return opened.ok ? toHex(opened.checkpoint.root) : undefined;
  }

  /** Signs a checkpoint of the chain as it stands, unless the last one already covers it. */
  async checkpoint(): Promise<StoredCheckpoint | undefined> {
    const last = await this.checkpoints.latest();
    this.frontier ??= last ? Frontier.fromJSON(last.frontier) : Frontier.empty();
    if (last && last.size > this.frontier.size) this.frontier = Frontier.fromJSON(last.frontier);
    for (let page = await this.chain.hashes(this.frontier.size, PAGE); page.length > 0; page = await this.chain.hashes(this.frontier.size, PAGE)) {
      for (const { seq, hash, version } of page) {
        if (seq !== this.frontier.size) throw new Error(`the chain skips from ${this.frontier.size} to ${seq}: not signing it`);
        this.frontier.append(leafOf(version ?? 1, hash));
      }
    }
    if (last && last.size >= this.frontier.size) return undefined;
    if (this.frontier.size === 0) return undefined;
    const root = this.frontier.root();
    const note = signCheckpoint({ origin: this.origin, size: this.frontier.size, root }, this.signer.name, this.signer.privateKey, this.signer.publicKey);
    const made = { size: this.frontier.size, rootHash: toHex(root), note, frontier: this.frontier.toJSON() };
    await this.checkpoints.save(made);
    return { ...made, madeAt: new Date().toISOString() };
  }

  /** The whole log from its first event, against every stored checkpoint. */
  async verify(): Promise<LogVerdict> {
    const verifier = new LogVerifier();
    for (let after = 0; ; ) {
      const page = await this.chain.entries(after, PAGE);
      if (page.length === 0) break;
      page.forEach((row) => verifier.feed(row));
      after = page[page.length - 1].position;
    }
    const stored = await this.checkpoints.all();
    const { roots: _roots, lastLeaf: _lastLeaf, ...verdict } = verifier.finish(stored.map((c) => c.note), this.signer.name, this.signer.publicKey, [], this.origin);
    const problems = [...verdict.problems, ...this.storedRootProblems(stored)];
    return { ...verdict, problems };
  }

  /** Stored checkpoints whose root column (what the API served before it read the note) is not their signed note's. */
  private storedRootProblems(stored: StoredCheckpoint[]): Problem[] {
    return stored.flatMap((c) => {
      const signed = this.signedRoot(c);
      if (signed === undefined || signed === c.rootHash) return [];
      return [{ kind: 'checkpoint-signature' as const, position: null, detail: `checkpoint ${c.size}: its stored root ${c.rootHash} is not the root its signed note holds (${signed})` }];
    });
  }

  /** The proof that the event at `position` is in the newest checkpoint that covers it. */
  async inclusionProof(position: number) {
    const seq = await this.chain.seqAt(position);
    if (seq === undefined) return undefined;
    const checkpoint = (await this.checkpointsMade()).find((c) => c.size > seq);
    if (!checkpoint) return { position, leafIndex: seq, checkpoint: null, proof: [] as string[] };
    const leaves = await this.leaves(checkpoint.size);
    const [stored] = await this.chain.hashes(seq, 1);
    // A proof is given only when it holds: a log damaged around the event (a row deleted, an edit) would give one that does not.
    const proof = leaves.length < checkpoint.size ? null : inclusionPath(leaves, seq, checkpoint.size);
    if (!proof || !verifyInclusion(leaves[seq], seq, checkpoint.size, proof, Buffer.from(checkpoint.rootHash, 'hex'))) {
      throw new LogDamaged(`the stored chain does not reach checkpoint ${checkpoint.size}'s signed root from the event at position ${position} (index ${seq})`);
    }
    return {
      position,
      leafIndex: seq,
      eventHash: toHex(stored.hash),
      chainVersion: stored.version ?? 1,
      leafHash: toHex(leaves[seq]),
      treeSize: checkpoint.size,
      rootHash: checkpoint.rootHash,
      checkpoint: checkpoint.note,
      proof: proof.map(toHex),
    };
  }

  /** The bundle of the log from `fromPosition` to `toPosition`, line by line (verifier-core.ts says its form). */
  async *bundle(fromPosition = 0, toPosition?: number): AsyncIterable<string> {
    const head = await this.chain.head();
    const first = (await this.chain.entries(Math.max(fromPosition - 1, 0), 1, toPosition))[0];
    const firstSeq = first?.seq ?? 0;
    const all = await this.checkpoints.all();
    const leaves = await this.leaves(Math.max(firstSeq, ...all.map((c) => c.size), 0));
    const complete = fromPosition <= 1 && (toPosition === undefined || toPosition >= head.position);
    yield JSON.stringify({ type: 'log', service: this.service, origin: this.origin, keyName: this.signer.name, publicKey: this.verifierKey, complete, size: head.size });
    if (firstSeq > 0) {
      const prefix = Frontier.empty();
      leaves.slice(0, firstSeq).forEach((leaf) => prefix.append(leaf));
      const [last] = await this.chain.hashes(firstSeq - 1, 1);
      yield JSON.stringify({ type: 'prefix', frontier: prefix.toJSON(), firstPrev: first.prevHash, version: last?.version ?? 1 });
    }
    let lastSeq = firstSeq - 1;
    for (let after = Math.max(fromPosition - 1, 0); ; ) {
      const page = await this.chain.entries(after, PAGE, toPosition);
      if (page.length === 0) break;
      for (const row of page) yield JSON.stringify({ type: 'event', ...row });
      lastSeq = Math.max(lastSeq, ...page.map((r) => r.seq ?? -1));
      after = page[page.length - 1].position;
    }
    const inRange = all.filter((c) => c.size > firstSeq && c.size <= lastSeq + 1);
    for (const c of inRange) yield JSON.stringify({ type: 'checkpoint', note: c.note });
    // Proofs are drawn from the chain as stored: where it skips an index (a row deleted), none is drawn past it, and the verifier names the gap.
    for (let i = 1; i < inRange.length && inRange[i].size <= leaves.length; i += 1) {
      const [from, to] = [inRange[i - 1].size, inRange[i].size];
      yield JSON.stringify({ type: 'consistency', from, to, proof: consistencyPath(leaves, from, to).map(toHex) });
    }
    // A range that ends between two checkpoints: the one after it, and the proof that its last leaf is in it.
    const covering = inRange.at(-1)?.size === lastSeq + 1 ? undefined : all.find((c) => c.size > lastSeq);
    if (covering && lastSeq >= firstSeq && covering.size <= leaves.length) yield JSON.stringify({ type: 'covering', note: covering.note, leafIndex: lastSeq, proof: inclusionPath(leaves, lastSeq, covering.size).map(toHex) });
  }

  /** The first `size` leaves (each event's leaf hash in its chain version: leafOf), read in pages; they stop where the chain skips an index. */
  private async leaves(size: number): Promise<Hash[]> {
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

