/**
 * The verifiable log's core: the hash chain, the RFC 9162 Merkle tree and its proofs, the C2SP
 * signed-note checkpoints. It imports nothing but `node:crypto`, so that its compiled form is one
 * file an auditor can read and run with plain Node (`node verifier-core.js BUNDLE` via
 * verify-bundle.ts). The server builds its chain, checkpoints and proofs with these same functions.
 */
import * as crypto from 'node:crypto';
import type { KeyObject } from 'node:crypto';

const { createHash, createPublicKey, sign, verify } = crypto;

export type Hash = Buffer;

export const HASH_SIZE = 32;
/** The hash a log's first event chains from, in chain version 1. */
export const GENESIS: Hash = Buffer.alloc(HASH_SIZE);
/** The hash a log that starts in chain version 2 chains its first event from (00…02): the version, recorded by the chain itself. */
export const GENESIS_V2: Hash = Buffer.concat([Buffer.alloc(HASH_SIZE - 1), Buffer.from([2])]);

/**
 * How an event's stored hash is drawn, and what its leaf in the Merkle tree is (docs/verifiable-log.md):
 *   1: hash = SHA-256(prev ‖ entry); leaf hash = SHA-256(0x00 ‖ hash) (RFC 9162's leaf data is the hash)
 *   2: hash = SHA-256(0x00 ‖ prev ‖ entry), which is the leaf hash itself (the leaf data is prev ‖ entry)
 * A log switches from 1 to 2 once, at a recorded event (SWITCH_EVENT), or starts in 2 from GENESIS_V2.
 */
export type ChainVersion = 1 | 2;

/** The event that switches a log to chain version 2, itself the first event hashed the new way. */
export const SWITCH_EVENT = { stream: 'log-integrity', type: 'HashChainUpgraded' } as const;

/** node:crypto's one-shot hash where this Node has it (20.12 and later): much cheaper for small inputs. */
const oneShot = (crypto as unknown as { hash?: (algorithm: string, data: Buffer, encoding: 'latin1') => string }).hash;

/**
 * SHA-256 as a binary string (one character per byte, `latin1`): the form the verifier keeps hashes
 * in. A string result costs far less than a Buffer, which gets memory of its own; of the strings,
 * binary is the cheapest to make and to write back into the next hash's input.
 */
function sha256Binary(data: Buffer): string {
  return oneShot ? oneShot('sha256', data, 'latin1') : createHash('sha256').update(data).digest('binary'); // latin1's other name
}

const sha256 = (...parts: Buffer[]): Hash => Buffer.from(sha256Binary(parts.length === 1 ? parts[0] : Buffer.concat(parts)), 'latin1');
const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

export const toHex = (h: Buffer): string => h.toString('hex');
export const fromHex = (s: string): Hash => Buffer.from(s, 'hex');

/** Is `s` a SHA-256 hash as the log writes it (64 lowercase hex digits)? */
export const isHexHash = (s: unknown): s is string => typeof s === 'string' && /^[0-9a-f]{64}$/.test(s);

/** The input of an inner node's hash, kept from one call to the next (hashing is synchronous): no allocation per hash. */
const NODE_INPUT = Buffer.alloc(1 + 2 * HASH_SIZE).fill(1, 0, 1); // 0x01 ‖ left ‖ right

/** An event's chain hash: the previous event's hash and the event exactly as stored (its entry text). */
export function eventHash(prev: Hash, entry: string): Hash {
  const bytes = Buffer.allocUnsafe(HASH_SIZE + Buffer.byteLength(entry, 'utf8'));
  prev.copy(bytes, 0);
  bytes.write(entry, HASH_SIZE, 'utf8');
  return sha256(bytes);
}

/** An inner node's hash over two binary strings (the tree's own hashes). */
function nodeHashBinary(left: string, right: string): string {
  NODE_INPUT.write(left, 1, HASH_SIZE, 'latin1');
  NODE_INPUT.write(right, 1 + HASH_SIZE, HASH_SIZE, 'latin1');
  return sha256Binary(NODE_INPUT);
}
/** The same over bytes of any length: RFC 9162's test vectors, and proofs an adversary may have cut. */
export const leafHash = (leaf: Buffer): Hash => sha256(LEAF, leaf);
export const nodeHash = (left: Hash, right: Hash): Hash => sha256(NODE, left, right);

/** An event's stored hash in the given chain version (see ChainVersion). */
export function chainHash(version: ChainVersion, prev: Hash, entry: string): Hash {
  if (version === 1) return eventHash(prev, entry);
  const bytes = Buffer.allocUnsafe(1 + HASH_SIZE + Buffer.byteLength(entry, 'utf8'));
  bytes[0] = 0;
  prev.copy(bytes, 1);
  bytes.write(entry, 1 + HASH_SIZE, 'utf8');
  return sha256(bytes);
}

/** An event's leaf hash in the Merkle tree, from its stored hash: version 2's hash is its leaf hash already. */
export const leafOf = (version: ChainVersion, hash: Hash): Hash => (version === 2 ? hash : leafHash(hash));

/** The hash the chain's first event chains from, in the version it starts in. */
export const genesisOf = (version: ChainVersion): Hash => (version === 2 ? GENESIS_V2 : GENESIS);

/** The largest power of two smaller than n (n > 1): where RFC 9162 splits a tree. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) over leaf hashes (RFC 9162 §2.1.1); the empty tree's is SHA-256 of nothing. */
export function rootOf(leaves: Hash[], from = 0, to = leaves.length): Hash {
  const n = to - from;
  if (n === 0) return sha256();
  if (n === 1) return leaves[from];
  const k = splitPoint(n);
  return nodeHash(rootOf(leaves, from, from + k), rootOf(leaves, from + k, to));
}

/**
 * The right edge of a growing tree (a compact range from 0): the roots of its perfect subtrees,
 * largest first. Appending a leaf and asking the root cost O(log n), so a log's root is kept
 * without holding its leaves.
 */
export class Frontier {
  /** The perfect subtrees' roots, largest first; their heights are the set bits of `count`. */
  private constructor(
    private readonly nodes: string[],
    private count: number,
  ) {}

  static empty(): Frontier {
    return new Frontier([], 0);
  }

  /** A frontier saved with `toJSON`; its size says how many leaves it covers. */
  static fromJSON(saved: { size: number; nodes: string[] }): Frontier {
    const heights = heightsOf(saved.size);
    if (heights.length !== saved.nodes.length) throw new Error(`a frontier of ${saved.size} leaves has ${heights.length} nodes, not ${saved.nodes.length}`);
    if (!saved.nodes.every(isHexHash)) throw new Error('a frontier node is not a SHA-256 hash in hex');
    return new Frontier(saved.nodes.map((h) => fromHex(h).toString('latin1')), saved.size);
  }

  get size(): number {
    return this.count;
  }

  append(leaf: Hash): void {
    this.push(leaf.toString('latin1'));
  }

  /** Appends a leaf hash given as a binary string (see sha256Binary). */
  appendBinary(leaf: string): void {
    this.push(leaf);
  }

  root(): Hash {
    if (this.nodes.length === 0) return sha256();
    let r = this.nodes[this.nodes.length - 1];
    for (let i = this.nodes.length - 2; i >= 0; i -= 1) r = nodeHashBinary(this.nodes[i], r);
    return Buffer.from(r, 'latin1');
  }

  toJSON(): { size: number; nodes: string[] } {
    return { size: this.count, nodes: this.nodes.map((n) => toHex(Buffer.from(n, 'latin1'))) };
  }

  /**
   * Node hashes are kept as binary strings (see sha256Binary). The new leaf completes one subtree
   * per trailing 1-bit of the count before it (its heights need not be kept: no object per node).
   */
  private push(leaf: string): void {
    let hash = leaf;
    for (let c = this.count; c % 2 === 1; c = (c - 1) / 2) hash = nodeHashBinary(this.nodes.pop() as string, hash);
    this.nodes.push(hash);
    this.count += 1;
  }
}

/** The heights of a compact range's perfect subtrees for n leaves: n's set bits, largest first. */
function heightsOf(n: number): number[] {
  const out: number[] = [];
  for (let h = 52; h >= 0; h -= 1) if (Math.floor(n / 2 ** h) % 2 === 1) out.push(h);
  return out;
}

/** A range of leaves [from, to): a proof's node is the root of one (RFC 9162's MTH(D[from:to])). */
export type LeafRange = [from: number, to: number];

/** RFC 9162 §2.1.3.1: the ranges whose roots make the audit path of leaf m in the tree of n leaves, leaf side first. */
export function inclusionRanges(m: number, n: number, from = 0): LeafRange[] {
  if (n <= 1) return [];
  const k = splitPoint(n);
  return m < k ? [...inclusionRanges(m, k, from), [from + k, from + n]] : [...inclusionRanges(m - k, n - k, from + k), [from, from + k]];
}

/** The audit path of leaf m in the tree of the first n leaves (RFC 9162 §2.1.3.1). */
export function inclusionPath(leaves: Hash[], m: number, n = leaves.length, from = 0): Hash[] {
  return inclusionRanges(m, n, from).map(([a, b]) => rootOf(leaves, a, b));
}

/** RFC 9162 §2.1.4.1: the ranges whose roots prove that the tree of n leaves extends the tree of its first m. */
export function consistencyRanges(m: number, n: number): LeafRange[] {
  return m <= 0 || m >= n ? [] : subproofRanges(m, 0, n, true);
}

function subproofRanges(m: number, from: number, n: number, whole: boolean): LeafRange[] {
  if (m === n) return whole ? [] : [[from, from + n]];
  const k = splitPoint(n);
  return m <= k ? [...subproofRanges(m, from, k, whole), [from + k, from + n]] : [...subproofRanges(m - k, from + k, n - k, false), [from, from + k]];
}

/** RFC 9162 §2.1.4.1: the proof that the tree of n leaves extends the tree of its first m. */
export function consistencyPath(leaves: Hash[], m: number, n = leaves.length): Hash[] {
  return consistencyRanges(m, n).map(([a, b]) => rootOf(leaves, a, b));
}

const odd = (x: number) => x % 2 === 1;
const half = (x: number) => Math.floor(x / 2);

/** RFC 9162 §2.1.3.2: does `path` prove leaf `index` (of hash `leaf`) in the tree of `size` with `root`? */
export function verifyInclusion(leaf: Hash, index: number, size: number, path: Hash[], root: Hash): boolean {
  return walkInclusion(leaf, index, size, path)?.root.equals(root) ?? false;
}

/**
 * The root of the tree that ends with the leaf at `index` (size index + 1), from that leaf's
 * inclusion path in a larger tree: the path's left siblings are that tree's compact range before
 * the leaf. With verifyInclusion it holds a bundle's prefix to a signed root: the prefix gives the
 * same root only if it is the signed tree's (undefined for a path of another shape).
 */
export function rootEndingAt(leaf: Hash, index: number, size: number, path: Hash[]): Hash | undefined {
  return walkInclusion(leaf, index, size, path)?.endingAt;
}

/** RFC 9162 §2.1.3.2's walk up an inclusion path: the root it gives, and the root of the left siblings alone (rootEndingAt). */
function walkInclusion(leaf: Hash, index: number, size: number, path: Hash[]): { root: Hash; endingAt: Hash } | undefined {
  if (index >= size || index < 0) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  let endingAt = leaf;
  for (const p of path) {
    if (sn === 0) return undefined;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      endingAt = nodeHash(p, endingAt);
      while (!odd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      r = nodeHash(r, p);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 ? { root: r, endingAt } : undefined;
}

/** RFC 9162 §2.1.4.2: does `path` prove that the tree (second, secondRoot) extends (first, firstRoot)? */
export function verifyConsistency(first: number, second: number, firstRoot: Hash, secondRoot: Hash, path: Hash[]): boolean {
  if (first <= 0 || first > second) return false;
  if (first === second) return path.length === 0 && firstRoot.equals(secondRoot);
  if (path.length === 0) return false;
  const nodes = isPowerOfTwo(first) ? [firstRoot, ...path] : path;
  let fn = first - 1;
  let sn = second - 1;
  while (odd(fn)) [fn, sn] = [half(fn), half(sn)];
  let fr = nodes[0];
  let sr = nodes[0];
  for (const c of nodes.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!odd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      sr = nodeHash(sr, c);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 && fr.equals(firstRoot) && sr.equals(secondRoot);
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}

/**
 * A checkpoint (C2SP tlog-checkpoint): the log's origin, its size and its root, as a signed note
 * (C2SP signed-note) with an Ed25519 signature. The note's text is what is stored and published.
 */
export interface Checkpoint {
  origin: string;
  size: number;
  root: Hash;
}

const ED25519 = 0x01;
const DASH = '\u2014 ';

export const checkpointBody = (c: Checkpoint): string => `${c.origin}\n${c.size}\n${c.root.toString('base64')}\n`;

/** Key ids already drawn, per key and name: exporting the key costs more than checking a signature. */
const keyIds = new WeakMap<KeyObject, Map<string, Buffer>>();

/** The signed note's key id: the first 4 bytes of SHA-256(name, newline, algorithm byte, public key). */
export function keyId(name: string, publicKey: KeyObject): Buffer {
  const known = keyIds.get(publicKey) ?? keyIds.set(publicKey, new Map()).get(publicKey)!;
  const id = known.get(name) ?? sha256(Buffer.from(`${name}\n`, 'utf8'), Buffer.from([ED25519]), rawPublicKey(publicKey)).subarray(0, 4);
  known.set(name, id);
  return Buffer.from(id); // a copy: callers may write into what they get
}

/** The 32 bytes of an Ed25519 public key (the tail of its SPKI DER). */
export const rawPublicKey = (key: KeyObject): Buffer => key.export({ type: 'spki', format: 'der' }).subarray(-32);

/** A verifier key in the signed-note form `name+keyid+base64(0x01 ‖ key)`: what the register publishes. */
export function verifierKey(name: string, publicKey: KeyObject): string {
  return `${name}+${toHex(keyId(name, publicKey))}+${Buffer.concat([Buffer.from([ED25519]), rawPublicKey(publicKey)]).toString('base64')}`;
}

/** The public key and its name from a published verifier key; throws on any other form. */
export function parseVerifierKey(text: string): { name: string; publicKey: KeyObject } {
  const [name, id, ...rest] = text.trim().split('+');
  const key = rest.join('+');
  const raw = Buffer.from(key ?? '', 'base64');
  if (!name || !id || raw.length !== 33 || raw[0] !== ED25519) throw new Error('not an Ed25519 verifier key (name+keyid+key)');
  const publicKey = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw.subarray(1)]), format: 'der', type: 'spki' });
  if (toHex(keyId(name, publicKey)) !== id) throw new Error('the verifier key id does not match its key');
  return { name, publicKey };
}

/** Signs a note's text (its lines, each ended by a newline) with the log's private key: the signed note. */
export function signNote(body: string, name: string, privateKey: KeyObject, publicKey: KeyObject): string {
  const signature = sign(null, Buffer.from(body, 'utf8'), privateKey);
  return `${body}\n${DASH}${name} ${Buffer.concat([keyId(name, publicKey), signature]).toString('base64')}\n`;
}

/** Signs a checkpoint with the log's private key; the note's text. */
export function signCheckpoint(c: Checkpoint, name: string, privateKey: KeyObject, publicKey: KeyObject): string {
  return signNote(checkpointBody(c), name, privateKey, publicKey);
}

/** A signed note's text lines (the last empty), once its signature by `name`'s key is checked; or why not. */
export function openNote(note: string, name: string, publicKey: KeyObject): { ok: true; lines: string[] } | { ok: false; why: string } {
  const split = note.indexOf('\n\n');
  if (split < 0) return { ok: false, why: 'not a signed note (no blank line before the signatures)' };
  const body = note.slice(0, split + 1);
  const id = keyId(name, publicKey);
  const signed = note
    .slice(split + 2)
    .split('\n')
    .filter((l) => l.startsWith(`${DASH}${name} `))
    .map((l) => Buffer.from(l.slice(DASH.length + name.length + 1), 'base64'))
    .find((s) => s.length === 68 && s.subarray(0, 4).equals(id));
  if (!signed) return { ok: false, why: `no signature by ${name}'s key` };
  if (!verify(null, Buffer.from(body, 'utf8'), publicKey, signed.subarray(4))) return { ok: false, why: 'the signature does not verify' };
  return { ok: true, lines: body.split('\n') };
}

export type NoteVerdict = { ok: true; checkpoint: Checkpoint } | { ok: false; why: string };

/** Reads a signed checkpoint and checks its signature by `name`'s key: the checkpoint, or why not. */
export function openCheckpoint(note: string, name: string, publicKey: KeyObject): NoteVerdict {
  const split = note.indexOf('\n\n');
  const lines = split < 0 ? [] : note.slice(0, split + 1).split('\n');
  const root = Buffer.from(lines[2] ?? '', 'base64');
  if (split >= 0 && (lines.length !== 4 || !/^\d+$/.test(lines[1] ?? '') || root.length !== HASH_SIZE)) return { ok: false, why: 'not a checkpoint (origin, size, root)' };
  const opened = openNote(note, name, publicKey);
  return opened.ok ? { ok: true, checkpoint: { origin: lines[0], size: Number(lines[1]), root } } : opened;
}

/** What a verification found wrong, where. `position` is the log's position of the event concerned. */
/** `unsigned`: a bundle's events that no signed checkpoint in it covers (nothing ties them to the register's signed roots). */
export type ProblemKind = 'edited' | 'deleted' | 'inserted' | 'reordered' | 'gap' | 'checkpoint-signature' | 'checkpoint-not-extending' | 'bad-proof' | 'unsigned';
export interface Problem {
  kind: ProblemKind;
  position: number | null;
  detail: string;
}

/** A stored row of the chain, as a verifier reads it (the database's or a bundle's). */
export interface ChainRow {
  position: number;
  seq: number | null;
  prevHash: string | null;
  hash: string | null;
  entry: string;
  /** The chain version the row says it was hashed in; absent, 1 (rows and bundles from before version 2). */
  version?: ChainVersion;
}

/** A log's verdict: its problems, the size and root of its chain as it stands. */
export interface LogVerdict {
  events: number;
  headPosition: number;
  size: number;
  rootHash: string;
  problems: Problem[];
}

/**
 * Draws each event's hash and leaf hash from one buffer laid out as 0x00 ‖ previous hash ‖ entry
 * (UTF-8). Version 2: the event's hash is SHA-256 of the whole buffer, and it is the leaf hash (one
 * call). Version 1: the event's hash is SHA-256 of all but the first byte; the stored hash is then
 * written over the previous one, and the first 33 bytes are the leaf's input (0x00 ‖ hash). Either
 * way the buffer then holds the next event's previous hash when the chain gives it: not read again.
 */
class ChainReader {
  private bytes = Buffer.alloc(4096);
  /** The hash (hex) whose bytes follow the 0x00, or null. */
  private held: string | null = null;
  /** Whether the last event read gave its stored hash (a field, not a result object: nothing allocated per event). */
  gave = false;

  /** The event's leaf hash (binary), `gave` saying whether its entry gives its stored hash; null when its hashes are not hashes. */
  read(prevHash: string, hash: string, entry: string, version: ChainVersion): string | null {
    if (prevHash !== this.held && !this.hold(prevHash)) return null;
    const room = 1 + HASH_SIZE + 3 * entry.length; // UTF-8 takes 3 bytes at most per UTF-16 unit
    if (this.bytes.length < room) this.bytes = Buffer.concat([this.bytes.subarray(0, 1 + HASH_SIZE), Buffer.alloc(2 * room)]);
    const end = 1 + HASH_SIZE + this.bytes.write(entry, 1 + HASH_SIZE, 'utf8');
    const drawn = sha256Binary(this.bytes.subarray(version === 2 ? 0 : 1, end));
    if (!this.hold(hash)) return null;
    this.gave = this.holds(drawn);
    if (version === 1) return sha256Binary(this.bytes.subarray(0, 1 + HASH_SIZE));
    // The tree's leaf is the stored hash, whether or not the entry gives it.
    return this.gave ? drawn : this.bytes.toString('latin1', 1, 1 + HASH_SIZE);
  }

  /** Writes a hash in hex after the 0x00; anything but 64 hex digits is refused. */
  private hold(hash: string): boolean {
    const whole = typeof hash === 'string' && hash.length === 2 * HASH_SIZE && this.bytes.write(hash, 1, HASH_SIZE, 'hex') === HASH_SIZE;
    this.held = whole ? hash : null;
    return whole;
  }

  /** Are the held bytes those of `hash` (binary)? */
  private holds(hash: string): boolean {
    for (let i = 0; i < HASH_SIZE; i += 1) if (hash.charCodeAt(i) !== this.bytes[1 + i]) return false;
    return true;
  }
}

/** What the verifier keeps of an event: its place, its index and hashes (hex), its leaf hash (binary). */
interface Link {
  position: number;
  seq: number;
  prev: string;
  hash: string;
  leaf: string;
  version: ChainVersion;
  /** The row is the recorded switch to version 2 (SWITCH_EVENT). */
  switches: boolean;
}

/**
 * Verifies a log read in position order: each event's hash against its entry and predecessor,
 * the chain's order and completeness, and the signed checkpoints against the roots the chain
 * gives. Rows are fed one at a time; what is kept per row is its position, index and hashes.
 */
export class LogVerifier {
  private readonly rows: Link[] = [];
  private readonly reader = new ChainReader();
  readonly problems: Problem[] = [];
  private count = 0;
  private lastPosition = 0;
  /** Every event so far came at its index, chained to the one before (LogIntegrity verifies a long log in runs of such events). */
  private orderly = true;
  /** The chain's version after its last event, as chainInOrder found it. */
  private endVersion: ChainVersion;

  /**
   * A verifier of the log from leaf `prefix.size` on: the first event read chains from `firstPrev`,
   * in chain version `startVersion` (the version of the leaf before it), and the roots go on from
   * `prefix`, the compact range of the leaves before it. Without them, from the log's first event,
   * which chains from the genesis of the version it claims (genesisOf).
   */
  constructor(
    private readonly prefix: Frontier = Frontier.empty(),
    private readonly firstPrev?: Hash,
    private readonly startVersion: ChainVersion = 1,
  ) {
    this.endVersion = startVersion;
  }

  /** How many events were fed, and whether each came at its index, chained to the one before, with no problem found yet. */
  get run(): { fed: number; orderly: boolean; from: number } {
    return { fed: this.count, orderly: this.orderly && this.problems.length === 0, from: this.prefix.size };
  }

  feed(row: ChainRow): void {
    this.count += 1;
    // The hash covers the entry, not the position: a position changed, doubled or swapped in a bundle is told by the order alone (a probe's passed).
    if (!Number.isSafeInteger(row.position) || row.position <= this.lastPosition) {
      this.problems.push({ kind: 'reordered', position: Number.isSafeInteger(row.position) ? row.position : null, detail: `position ${String(row.position)} does not rise after ${this.lastPosition}: positions name the events in the log's order, each once` });
    }
    this.lastPosition = row.position;
    if (row.seq === null || row.hash === null || row.prevHash === null) {
      this.problems.push({ kind: 'inserted', position: row.position, detail: 'the event carries no chain hash: it was written around the log' });
      return;
    }
    const version = row.version ?? 1;
    if (version !== 1 && version !== 2) return void this.problems.push({ kind: 'edited', position: row.position, detail: `the event claims chain version ${String(version)}, which does not exist` });
    // An entry is stored text; any other value (an object, null: a probe's) is not what was hashed.
    if (typeof row.entry !== 'string') return void this.problems.push({ kind: 'edited', position: row.position, detail: `the event's entry is ${row.entry === null ? 'null' : `a${Array.isArray(row.entry) ? ' list' : `n ${typeof row.entry}`}`}, not the text stored and hashed` });
    const leaf = this.reader.read(row.prevHash, row.hash, row.entry, version);
    if (leaf === null) return void this.problems.push({ kind: 'edited', position: row.position, detail: 'the event\'s chain hashes are not SHA-256 hashes in hex' });
    if (!this.reader.gave) this.problems.push({ kind: 'edited', position: row.position, detail: 'the event as stored does not give its hash' });
    const before = this.rows[this.rows.length - 1];
    if (row.seq !== this.prefix.size + this.rows.length || (before && before.hash !== row.prevHash)) this.orderly = false;
    this.rows.push({ position: row.position, seq: row.seq, prev: row.prevHash, hash: row.hash, leaf, version, switches: version === 2 && isSwitchEntry(row.entry) });
  }

  /**
   * The verdict, checking `checkpoints` (signed notes, oldest first) with the log's key;
   * `previousHeld` says whether the checkpoint before them held, where a run of the log goes on from
   * another. It also gives what a verifier of the events after these starts from (`next`).
   */
  finish(checkpoints: string[], keyName: string, publicKey: KeyObject, alsoAt: number[] = [], origin?: string, previousHeld?: boolean): LogVerdict & FinishedRun {
    const chain = this.chainInOrder();
    this.findReordered(chain);
    const frontier = Frontier.fromJSON(this.prefix.toJSON());
    // Roots are taken where a checkpoint (or the caller) needs one: each costs log n hashes.
    const wanted = new Set([...checkpoints.map((n) => Number(n.split('\n')[1])), ...alsoAt]);
    const roots = new Map<number, Hash>([[frontier.size, frontier.root()]]);
    for (const row of chain) {
      frontier.appendBinary(row.leaf);
      if (wanted.has(frontier.size)) roots.set(frontier.size, frontier.root());
    }
    roots.set(frontier.size, frontier.root());
    const held = this.checkCheckpoints(checkpoints, roots, chain, { name: keyName, publicKey, origin }, previousHeld);
    this.problems.sort((a, b) => (a.position ?? Infinity) - (b.position ?? Infinity));
    const last = chain[chain.length - 1];
    const next = { frontier: frontier.toJSON(), prev: last?.hash ?? (this.firstPrev && toHex(this.firstPrev)), version: this.endVersion, held };
    return { events: this.count, headPosition: this.lastPosition, size: frontier.size, rootHash: toHex(frontier.root()), problems: this.problems, roots, lastLeaf: last ? Buffer.from(last.leaf, 'latin1') : undefined, next };
  }

  /** Rows out of the chain's order: those off the longest run of rising indices in position order. */
  private findReordered(chain: { position: number }[]): void {
    if (inOrder(this.rows)) return;
    const chained = new Set(chain.map((c) => c.position));
    const rows = this.rows.filter((r) => chained.has(r.position));
    const moved = longestRisingRun(rows.map((r) => r.seq)).map((inRun) => !inRun);
    // Of two events that swapped places, the longest run may keep one: the other's place names it.
    const rank = new Map([...rows].sort((a, b) => a.seq - b.seq).map((r, i) => [r, i]));
    rows.forEach((r, i) => {
      const inItsPlace = rows[rank.get(r) as number];
      if (moved[i] && inItsPlace !== r && rank.get(inItsPlace) === i) moved[rank.get(r) as number] = true;
    });
    rows.forEach((r, i) => {
      if (moved[i]) this.problems.push({ kind: 'reordered', position: r.position, detail: `event ${r.seq} of the chain is stored out of its order` });
    });
  }

  /** The chain by index: one event per index (others at the same index are inserted), gaps named. */
  private chainInOrder(): Link[] {
    const bySeq = inOrder(this.rows) ? this.rows : [...this.rows].sort((a, b) => a.seq - b.seq || a.position - b.position);
    const chain: Link[] = [];
    const fromStart = this.prefix.size === 0 && !this.firstPrev;
    let previous = toHex(this.firstPrev ?? genesisOf(bySeq[0]?.version ?? 1));
    let version = this.startVersion;
    let expected = this.prefix.size;
    for (let i = 0; i < bySeq.length; ) {
      let j = i;
      while (j < bySeq.length && bySeq[j].seq === bySeq[i].seq) j += 1;
      const next = bySeq[j];
      const genuine = j === i + 1 ? bySeq[i] : this.genuineOf(bySeq.slice(i, j), previous, next);
      version = this.checkVersion(genuine, version, fromStart && chain.length === 0);
      if (genuine.seq > expected) {
        this.problems.push({ kind: 'deleted', position: genuine.position, detail: `${genuine.seq - expected} event(s) of the chain are missing before this one (index ${expected} to ${genuine.seq - 1})` });
      } else if (genuine.prev !== previous) {
        this.problems.push({ kind: 'edited', position: chain[chain.length - 1]?.position ?? genuine.position, detail: 'the next event was chained to another hash than this one has' });
      }
      chain.push(genuine);
      previous = genuine.hash;
      expected = genuine.seq + 1;
      i = j;
    }
    this.endVersion = version;
    return chain;
  }

  /**
   * The chain's version after `link`: it may claim version 2 only from the log's first event (which
   * then chains from GENESIS_V2) or from the recorded switch on; after the switch, only version 2.
   * A claim against that is an edit of the event's chain fields, whatever its hashes say.
   */
  private checkVersion(link: Link, version: ChainVersion, first: boolean): ChainVersion {
    if (link.version === 2 && version === 1) {
      if (first || link.switches) return 2;
      this.problems.push({ kind: 'edited', position: link.position, detail: `event ${link.seq} of the chain claims chain version 2, and the log had not switched to it` });
    } else if (link.version === 1 && version === 2) {
      this.problems.push({ kind: 'edited', position: link.position, detail: `event ${link.seq} of the chain claims chain version 1, after the log switched to version 2` });
    }
    return version;
  }

  /** Of events claiming one index, the one the chain runs through; the others are inserted. */
  private genuineOf(rivals: Link[], previous: string, next: Link | undefined): Link {
    const genuine = rivals.find((r) => next?.prev === r.hash) ?? rivals.find((r) => r.prev === previous) ?? rivals[0];
    for (const r of rivals) if (r !== genuine) this.problems.push({ kind: 'inserted', position: r.position, detail: `a second event claims index ${r.seq} of the chain` });
    return genuine;
  }

  /** Each checkpoint's signature, log (its origin, when the log's is known) and root against the chain's; `previousHeld` is undefined before the first. */
  private checkCheckpoints(notes: string[], roots: Map<number, Hash>, chain: { position: number }[], log: { name: string; publicKey: KeyObject; origin?: string }, held?: boolean): boolean | undefined {
    let previousHeld = held;
    for (const note of notes) {
      const opened = openCheckpoint(note, log.name, log.publicKey);
      if (!opened.ok) {
        this.problems.push({ kind: 'checkpoint-signature', position: null, detail: `checkpoint ${note.split('\n')[1] ?? '?'}: ${opened.why}` });
        continue;
      }
      const { size, root, origin } = opened.checkpoint;
      if (log.origin !== undefined && origin !== log.origin) {
        this.problems.push({ kind: 'checkpoint-signature', position: null, detail: `checkpoint ${size} is signed for another log (${origin}), not this one (${log.origin})` });
        continue;
      }
      const at = chain[size - 1 - this.prefix.size]?.position ?? null;
      const actual = roots.get(size);
      if (!actual && size > this.prefix.size) this.problems.push({ kind: 'gap', position: chain[chain.length - 1]?.position ?? null, detail: `the chain holds ${this.prefix.size + chain.length} events, and a signed checkpoint holds ${size}: the log was cut short` });
      if (!actual) continue;
      if (!actual.equals(root)) {
        const detail = previousHeld ? `checkpoint ${size} does not extend its predecessor: its root is not the log's` : `checkpoint ${size}${previousHeld === undefined ? ' (the first)' : ''}: its root is not the log's`;
        this.problems.push({ kind: 'checkpoint-not-extending', position: at, detail });
      }
      previousHeld = actual.equals(root);
    }
    return previousHeld;
  }
}

/** What a finished verifier gives beyond its verdict: the roots it drew, its last leaf, and where a verifier of the events after these starts. */
export interface FinishedRun {
  roots: Map<number, Hash>;
  lastLeaf?: Hash;
  next: { frontier: { size: number; nodes: string[] }; prev?: string; version: ChainVersion; held?: boolean };
}

const SWITCH_STREAM = `"${SWITCH_EVENT.stream}"`;

/**
 * Is the entry the recorded switch to version 2 (SWITCH_EVENT, data { chainVersion: 2 })? It is
 * parsed only when its stream, the array's second item after the event's id, is the switch's: a
 * look at a few dozen characters per event (searching the whole entry cost a tenth of verification).
 */
function isSwitchEntry(entry: string): boolean {
  const idEnds = entry.indexOf('",', 2);
  if (idEnds < 0) return false;
  let at = idEnds + 2;
  while (entry.charCodeAt(at) === 32) at += 1; // jsonb writes ", " between items, JSON.stringify ","
  if (!entry.startsWith(SWITCH_STREAM, at)) return false;
  try {
    const [, stream, , type, , data] = JSON.parse(entry) as [unknown, unknown, unknown, unknown, unknown, { chainVersion?: unknown } | null];
    return stream === SWITCH_EVENT.stream && type === SWITCH_EVENT.type && data?.chainVersion === 2;
  } catch {
    return false;
  }
}

/** Rows already in the chain's order, each index once: the honest log's case, checked in one pass. */
function inOrder(rows: { seq: number }[]): boolean {
  for (let i = 1; i < rows.length; i += 1) if (rows[i].seq <= rows[i - 1].seq) return false;
  return true;
}

/** Marks the members of one longest strictly rising subsequence (patience sorting, O(n log n)). */
export function longestRisingRun(values: number[]): boolean[] {
  const tails: number[] = [];
  const before = new Int32Array(values.length).fill(-1);
  values.forEach((v, i) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (values[tails[mid]] < v) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) before[i] = tails[lo - 1];
    tails[lo] = i;
  });
  const inRun = new Array<boolean>(values.length).fill(false);
  for (let i = tails.length ? tails[tails.length - 1] : -1; i >= 0; i = before[i]) inRun[i] = true;
  return inRun;
}

/**
 * A bundle (NDJSON, one object a line), as `GET /audit/exports` writes it:
 *   { type: 'log', service, origin, keyName, publicKey, complete, size, fromPosition?, toPosition? }   first (a range: the positions asked)
 *   { type: 'prefix', frontier, firstPrev, version }   the compact range of the leaves before the
 *                                    first event, if any, the hash and chain version of the last of them
 *   { type: 'event', position, seq, prevHash, hash, entry, version }   the events as stored, in position order
 *   { type: 'checkpoint', note }     signed checkpoints within the bundle's range, oldest first
 *   { type: 'consistency', from, to, proof }   each checkpoint extends the one before it
 *   { type: 'covering', note, leafIndex, proof }   a range that ends between two checkpoints: the
 *                                    signed one after it, and the inclusion proof of its last leaf
 *   { type: 'seal', note }           last: a signed note of the header's claims and the events held (BundleSeal)
 * Every event must be under a signed root (coverageProblems), and the seal must sign what the
 * bundle holds (sealProblems), else the bundle is not verified.
 */
export interface BundleVerdict extends LogVerdict {
  ok: boolean;
  service: string;
  /** Where the key came from: the caller (trusted) or the bundle itself (check it against the published key). */
  key: 'trusted' | 'from-bundle';
  /** The range of positions the bundle says was asked (a range export): compare it with the one asked, and with headPosition. */
  range?: { fromPosition: number; toPosition: number };
}

export interface BundleTrust {
  /** The published verifier key (`name+keyid+key`); without it the bundle's own key is used. */
  verifierKey?: string;
  /** A checkpoint the auditor kept from before: the bundle's log must extend it. */
  checkpoint?: string;
}

/** A bundle that cannot be read at all (a line that is not JSON: a file cut short or damaged), naming the line. */
export class UnreadableBundle extends Error {}

export function verifyBundle(lines: string[], trust: BundleTrust = {}): BundleVerdict {
  const rewritten: Problem[] = [];
  const items = lines.flatMap((l, i) => {
    if (l.trim() === '') return [];
    const item = parseLine(l, i + 1);
    rewritten.push(...rewrittenLine(l, i + 1, item));
    return [item];
  });
  // The first line must be the header, whatever follows: the frame refuses anything else there.
  const frame = bundleFrame([items[0], ...items.slice(1).filter((i) => i.type !== 'event')]);
  const start = frame.prefix;
  const verifier = start ? new LogVerifier(start.frontier, start.firstPrev, start.version) : new LogVerifier();
  const eventLines: Problem[] = [];
  const end = new BundleEnd();
  for (const item of items) {
    if (item.type !== 'event') continue;
    eventLines.push(...eventLineProblems(item));
    end.feed(item);
    verifier.feed(item as unknown as ChainRow);
  }
  const trustedSize = trustedSizeOf(trust);
  const verdict = verifier.finish(frame.notes, frame.key(trust).name, frame.key(trust).publicKey, trustedSize === undefined ? [] : [trustedSize], frame.origin);
  return judgeBundle(frame, verdict, trust, [...rewritten, ...eventLines], end);
}

/**
 * What a bundle's seal signs, its last line: the header's claims and the events the bundle holds
 * (how many, the last one's position and chain hash, which the chain ties to every event before
 * it). Without it a bundle cut back to a checkpoint inside it, its header changed to match,
 * verified as the shorter bundle it then was (a probe's): nothing signed which events were exported.
 */
export interface BundleSeal {
  complete: boolean;
  size: number;
  fromPosition?: number;
  toPosition?: number;
  events: number;
  lastPosition: number | null;
  lastHash: string | null;
}

/** A seal's note text: the log's origin, the word `bundle`, and what it signs as one JSON line. */
export const sealBody = (origin: string, seal: BundleSeal): string => `${origin}\nbundle\n${JSON.stringify(seal)}\n`;

/** The events a bundle holds, counted as its seal counts them. */
export class BundleEnd {
  events = 0;
  lastPosition: number | null = null;
  lastHash: string | null = null;

  feed(item: Record<string, unknown>): void {
    this.events += 1;
    this.lastPosition = typeof item.position === 'number' ? item.position : null;
    this.lastHash = typeof item.hash === 'string' ? item.hash : null;
  }
}

/** What a bundle holds besides its events: its header, the range before its first event, its checkpoints and proofs. */
export interface BundleFrame {
  header: Record<string, unknown>;
  /** The log's origin, as the header names it. */
  origin?: string;
  /** The compact range of the leaves before the first event, the hash and chain version of the last of them. */
  prefix?: { frontier: Frontier; firstPrev: Hash; version: ChainVersion };
  /** The signed checkpoints' notes, in the bundle's order. */
  notes: string[];
  /** The seals' notes (a bundle has one). */
  seals: string[];
  /** The consistency and covering proofs. */
  proofs: Record<string, unknown>[];
  bundleKey: { name: string; publicKey: KeyObject };
  /** The key checkpoints are checked with: the one the auditor gives, else the bundle's own. */
  key(trust: BundleTrust): { name: string; publicKey: KeyObject };
  /** Lines that are not part of a bundle. */
  problems: Problem[];
}

/** The frame of a bundle from its lines other than the events (parsed), the header first. */
export function bundleFrame(items: Record<string, unknown>[]): BundleFrame {
  const header = items[0];
  if (header?.type !== 'log') throw new UnreadableBundle('not a register bundle: its first line is not the log header');
  let bundleKey: BundleFrame['bundleKey'];
  try {
    bundleKey = parseVerifierKey(String(header.publicKey));
  } catch (error) {
    throw new UnreadableBundle(`the header's publicKey is not the register's verifier key (${(error as Error).message}): the bundle is damaged`);
  }
  const prefix = items.find((i) => i.type === 'prefix') as { frontier: { size: number; nodes: string[] }; firstPrev: string; version?: ChainVersion } | undefined;
  return {
    header,
    origin: typeof header.origin === 'string' ? header.origin : undefined,
    // A prefix's version is taken on trust as its frontier is: a wrong one changes the leaves, and so the roots the checkpoints sign.
    prefix: prefix && { frontier: Frontier.fromJSON(prefix.frontier), firstPrev: fromHex(prefix.firstPrev), version: prefix.version === 2 ? 2 : 1 },
    notes: items.filter((i) => i.type === 'checkpoint').map((i) => String(i.note)),
    seals: items.filter((i) => i.type === 'seal').map((i) => String(i.note)),
    proofs: items.filter((i) => i.type === 'consistency' || i.type === 'covering'),
    bundleKey,
    key: (trust) => (trust.verifierKey ? parseVerifierKey(trust.verifierKey) : bundleKey),
    problems: [...headerProblems(header), ...items.slice(1).flatMap(unknownLine), ...afterSeal(items)],
  };
}

/** The seal closes a bundle: a checkpoint or proof after it was put there since (its content is checked all the same). */
function afterSeal(items: Record<string, unknown>[]): Problem[] {
  const at = items.findIndex((i) => i.type === 'seal');
  const after = at < 0 ? [] : items.slice(at + 1).filter((i) => i.type !== 'seal');
  return after.length ? [{ kind: 'inserted', position: null, detail: `${after.length} line(s) after the seal (${[...new Set(after.map((i) => String(i.type)))].join(', ')}): the register writes the seal last` }] : [];
}

/** The lines a bundle is made of besides its events, with their fields (verifyBundle's comment says their form). */
const FRAME_LINES: Record<string, Set<string>> = {
  prefix: new Set(['type', 'frontier', 'firstPrev', 'version']),
  checkpoint: new Set(['type', 'note']),
  consistency: new Set(['type', 'from', 'to', 'proof']),
  covering: new Set(['type', 'note', 'leafIndex', 'proof']),
  seal: new Set(['type', 'note']),
};
/** The fields an event's line holds; the hash covers its entry, the order its position. */
const EVENT_FIELDS = new Set(['type', 'position', 'seq', 'prevHash', 'hash', 'entry', 'version']);

/** The fields of a line beside those its kind has. */
const fieldsBeside = (item: Record<string, unknown>, fields: Set<string>) => Object.keys(item).filter((k) => !fields.has(k));

/** A line that is not part of a bundle, or a second header: nothing signs what it says (a probe's passed unremarked). */
function unknownLine(item: Record<string, unknown>): Problem[] {
  if (item.type === 'log') return [{ kind: 'inserted', position: null, detail: `a second log header (service ${String(item.service)}): a bundle has one, its first line` }];
  if (item.type === 'event') return [];
  const fields = FRAME_LINES[String(item.type)];
  if (!fields) return [{ kind: 'inserted', position: null, detail: `a line of type ${JSON.stringify(item.type ?? null)}, which is not part of a bundle: nothing signs what it says` }];
  const extra = fieldsBeside(item, fields);
  return extra.length ? [{ kind: 'inserted', position: null, detail: `a ${String(item.type)} line carries ${extra.join(', ')}, which is not part of it: nothing signs what it says` }] : [];
}

/** The register's origins name their service (`union-register/<service>`); the verdict prints the header's service, which must be that one (a re-probe's header claimed another log's). */
const REGISTER_ORIGIN = 'union-register/';

function headerProblems(header: Record<string, unknown>): Problem[] {
  const origin = typeof header.origin === 'string' ? header.origin : undefined;
  const problems = headerFieldProblems(header);
  if (origin === undefined || !origin.startsWith(REGISTER_ORIGIN) || origin === `${REGISTER_ORIGIN}${String(header.service)}`) return problems;
  return [...problems, { kind: 'checkpoint-signature', position: null, detail: `the header names the ${String(header.service)} log, and its origin (${origin}), which the checkpoints sign, another` }];
}

/**
 * The header's fields: those the register writes (a range's two only for a range); a field beside
 * them is signed by nothing, as on any other line (a probe's passed). `keyName` repeats the name
 * the publicKey carries, and is not needed to verify: a header without it is read as one with it.
 */
const HEADER_FIELDS = new Set(['type', 'service', 'origin', 'keyName', 'publicKey', 'complete', 'size', 'fromPosition', 'toPosition']);
const HEADER_REQUIRED = ['service', 'origin', 'publicKey', 'complete', 'size'];

function headerFieldProblems(header: Record<string, unknown>): Problem[] {
  const extra = fieldsBeside(header, HEADER_FIELDS);
  const missing = HEADER_REQUIRED.filter((k) => header[k] === undefined);
  return [
    ...(extra.length ? [{ kind: 'inserted' as const, position: null, detail: `the log header carries ${extra.join(', ')}, which is not part of it: nothing signs what it says` }] : []),
    ...(missing.length ? [{ kind: 'edited' as const, position: null, detail: `the log header lacks ${missing.join(', ')}, which the register writes` }] : []),
  ];
}

/** An event's line with fields besides those the chain covers or orders (a reason, data beside the entry): nothing signs them. */
export function eventLineProblems(item: Record<string, unknown>): Problem[] {
  const extra = fieldsBeside(item, EVENT_FIELDS);
  const position = typeof item.position === 'number' ? item.position : null;
  return extra.length ? [{ kind: 'edited', position, detail: `the event's line carries ${extra.join(', ')} beside its entry: the hash covers the entry alone` }] : [];
}

/** The size of the checkpoint the auditor kept from before, if any: the log's root is drawn there too. */
export function trustedSizeOf(trust: BundleTrust): number | undefined {
  return trust.checkpoint ? Number(trust.checkpoint.split('\n')[1]) : undefined;
}

/** The bundle's verdict from its frame and the verdict on its events (with the roots drawn at its checkpoints' sizes and its last leaf). */
export function judgeBundle(frame: BundleFrame, verdict: LogVerdict & Pick<FinishedRun, 'roots' | 'lastLeaf'>, trust: BundleTrust, eventLines: Problem[], end: BundleEnd): BundleVerdict {
  const { header, notes, bundleKey } = frame;
  const key = frame.key(trust);
  const problems = [...verdict.problems, ...frame.problems, ...eventLines];
  if (trust.verifierKey && toHex(rawPublicKey(bundleKey.publicKey)) !== toHex(rawPublicKey(key.publicKey))) {
    problems.push({ kind: 'checkpoint-signature', position: null, detail: 'the bundle names another key than the published one' });
  }
  if (header.complete === true && verdict.size !== Number(header.size)) {
    problems.push({ kind: 'gap', position: verdict.headPosition, detail: `the bundle says it holds the whole log of ${String(header.size)} events, and holds ${verdict.size}` });
  }
  problems.push(...sealProblems(frame, end, key), ...proofProblems(frame.proofs, notes, key), ...trustedProblems(trust.checkpoint, verdict.roots, key, frame.origin, frame.prefix?.frontier.size ?? 0), ...coverageProblems(frame.proofs, notes, verdict, key));
  const { events, headPosition, size, rootHash } = verdict;
  const range = typeof header.fromPosition === 'number' && typeof header.toPosition === 'number' ? { range: { fromPosition: header.fromPosition, toPosition: header.toPosition } } : {};
  return { events, headPosition, size, rootHash, problems, ok: problems.length === 0, service: String(header.service ?? ''), key: trust.verifierKey ? 'trusted' : 'from-bundle', ...range };
}

/** The byte-order mark some editors put before a file's first line: not part of the bundle (a re-probe's saved bundle was refused as damaged). */
const BYTE_ORDER_MARK = '\uFEFF';

/** A line as the register wrote it: without the byte-order mark before the first, or the carriage return a CRLF file ends it with. */
function asWritten(line: string, number: number): string {
  const text = number === 1 && line.startsWith(BYTE_ORDER_MARK) ? line.slice(1) : line;
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}

/** One line of a bundle, parsed; an UnreadableBundle naming the line if it is not JSON, or not a record (a probe's `null` line met an internal error). */
export function parseLine(line: string, number: number): Record<string, unknown> {
  let item: unknown;
  try {
    item = JSON.parse(asWritten(line, number));
  } catch (error) {
    throw new UnreadableBundle(`line ${number} is not JSON (${(error as Error).message}): the file is cut short or damaged`);
  }
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    throw new UnreadableBundle(`line ${number} is ${item === null ? 'null' : Array.isArray(item) ? 'a list' : `a ${typeof item}`}, where each line of a bundle is one record ({...}): the file is damaged`);
  }
  return item as Record<string, unknown>;
}

/**
 * A line a reader could read otherwise than JSON.parse does: a key given twice (JSON.parse keeps the
 * last value, another reader may keep the first, so the line would verify here and say something
 * else there: a probe's forged first `entry`). A line of plain values (an event's) is judged by its
 * quotes, as comparing it with JSON.stringify of its record cost a province's bundle a third more
 * time (docs/verifiable-log.md); any other line (few) must be exactly as the register writes it.
 */
export function rewrittenLine(line: string, number: number, item: Record<string, unknown>): Problem[] {
  const quotes = quotesOfPlainRecord(item);
  if (quotes === undefined ? JSON.stringify(item) === asWritten(line, number) : quotes === unescapedQuotes(line)) return [];
  const position = item.type === 'event' && typeof item.position === 'number' ? item.position : null;
  return [{ kind: 'edited', position, detail: `line ${number} is not as the register writes it (a key given twice, or the line written again): a reader keeping another of a key's values would read another line than this verifier` }];
}

/**
 * The unescaped quotes a record of plain values (no object or list) has when each key is given
 * once: in JSON only keys and string values are quoted, two each. A key given again adds its own,
 * so the line has more (undefined: a record with nested values).
 */
function quotesOfPlainRecord(item: Record<string, unknown>): number | undefined {
  let quotes = 0;
  for (const value of Object.values(item)) {
    if (value !== null && typeof value === 'object') return undefined;
    quotes += typeof value === 'string' ? 4 : 2;
  }
  return quotes;
}

/** The quotes in a line that are not escaped (not after an odd number of backslashes). */
function unescapedQuotes(line: string): number {
  let count = 0;
  for (let at = line.indexOf('"'); at >= 0; at = line.indexOf('"', at + 1)) {
    let backslashes = 0;
    while (line.charCodeAt(at - 1 - backslashes) === 92) backslashes += 1;
    if (backslashes % 2 === 0) count += 1;
  }
  return count;
}

/** The bundle's seal must be signed for its log, and sign its header's claims and the events it holds. */
function sealProblems(frame: BundleFrame, end: BundleEnd, key: { name: string; publicKey: KeyObject }): Problem[] {
  const [note, ...more] = frame.seals;
  if (note === undefined) return [{ kind: 'unsigned', position: null, detail: 'the bundle carries no seal: nothing signs which events it holds, so one cut short (to a checkpoint inside it) or with its header changed cannot be told from the one exported' }];
  const extra: Problem[] = more.map(() => ({ kind: 'inserted', position: null, detail: 'a second seal: a bundle has one (the register writes it last)' }));
  const seal = openSeal(note, frame.origin, key);
  if (typeof seal === 'string') return [...extra, { kind: 'checkpoint-signature', position: null, detail: `the bundle's seal: ${seal}` }];
  const header = frame.header as Record<string, unknown>;
  const changed = (['complete', 'size', 'fromPosition', 'toPosition'] as const).filter((k) => seal[k] !== header[k]);
  if (changed.length) extra.push({ kind: 'edited', position: null, detail: `the header's ${changed.join(', ')} is not what the seal signs (${changed.map((k) => `${k} ${String(seal[k])}`).join(', ')})` });
  if (seal.events === end.events && seal.lastPosition === end.lastPosition && seal.lastHash === end.lastHash) return extra;
  const kind = end.events < seal.events ? 'deleted' : end.events > seal.events ? 'inserted' : 'edited';
  return [...extra, { kind, position: end.lastPosition, detail: `the seal signs ${seal.events} events, the last at position ${String(seal.lastPosition)}; the bundle holds ${end.events}, the last at ${String(end.lastPosition)}${kind === 'edited' ? ' with another hash' : ''}: not the events exported` }];
}

/** The seal a note signs for the bundle's log, or why it is none. */
function openSeal(note: string, origin: string | undefined, key: { name: string; publicKey: KeyObject }): BundleSeal | string {
  const opened = openNote(note, key.name, key.publicKey);
  if (!opened.ok) return opened.why;
  const [signedFor, word, fields] = opened.lines;
  if (word !== 'bundle' || opened.lines.length !== 4) return 'not a seal (the log\'s origin, "bundle", what it holds)';
  if (signedFor !== origin) return `signed for another log (${signedFor})`;
  try {
    const seal = JSON.parse(fields) as BundleSeal;
    return seal !== null && typeof seal === 'object' ? seal : 'not a seal (what it holds is not a record)';
  } catch {
    return 'not a seal (what it holds is not JSON)';
  }
}

/** Each consistency proof in the bundle must prove its checkpoint extends the one before. */
function proofProblems(items: Record<string, unknown>[], notes: string[], key: { name: string; publicKey: KeyObject }): Problem[] {
  const bySize = new Map<number, Hash>();
  for (const note of notes) {
    const opened = openCheckpoint(note, key.name, key.publicKey);
    if (opened.ok) bySize.set(opened.checkpoint.size, opened.checkpoint.root);
  }
  const sizes = [...bySize.keys()].sort((a, b) => a - b);
  const proofs = items.filter((i) => i.type === 'consistency') as { from: number; to: number; proof: string[] }[];
  const problems: Problem[] = [];
  sizes.slice(1).forEach((to, i) => {
    const from = sizes[i];
    const proof = proofs.find((p) => p.from === from && p.to === to);
    const ok = proof && verifyConsistency(from, to, bySize.get(from) as Hash, bySize.get(to) as Hash, proof.proof.map(fromHex));
    if (!ok) problems.push({ kind: 'bad-proof', position: null, detail: proof ? `the proof that checkpoint ${to} extends checkpoint ${from} does not verify` : `no proof that checkpoint ${to} extends checkpoint ${from}` });
  });
  return problems;
}

/**
 * Every event of the bundle must be tied to a signed root: a checkpoint in it whose root its events
 * give, at or after its last event, or (a range that ends between two checkpoints) the signed
 * checkpoint after it with the proof that the range's last leaf is in it. That leaf is the chain's
 * hash there, which covers every event before it. A bundle whose checkpoints were taken out, or
 * whose events run past the last one, is not verified: it could have been rewritten and rechained.
 */
function coverageProblems(items: Record<string, unknown>[], notes: string[], verdict: { size: number; headPosition: number; events: number; roots: Map<number, Hash>; lastLeaf?: Hash }, key: { name: string; publicKey: KeyObject }): Problem[] {
  let covered = 0;
  for (const note of notes) {
    const opened = openCheckpoint(note, key.name, key.publicKey);
    if (opened.ok && verdict.roots.get(opened.checkpoint.size)?.equals(opened.checkpoint.root)) covered = Math.max(covered, opened.checkpoint.size);
  }
  if (verdict.events > 0 && covered >= verdict.size) return [];
  const covering = items.find((i) => i.type === 'covering') as { note?: unknown; leafIndex?: unknown; proof?: unknown } | undefined;
  if (covering && verdict.lastLeaf) {
    const opened = openCheckpoint(String(covering.note), key.name, key.publicKey);
    const path = Array.isArray(covering.proof) && covering.proof.every(isHexHash) ? (covering.proof as string[]).map(fromHex) : undefined;
    const proves = opened.ok && path && covering.leafIndex === verdict.size - 1 && opened.checkpoint.size >= verdict.size && verifyInclusion(verdict.lastLeaf, verdict.size - 1, opened.checkpoint.size, path, opened.checkpoint.root);
    if (!proves) return [{ kind: 'bad-proof', position: verdict.headPosition, detail: opened.ok ? 'the proof that the last event is in the signed checkpoint after it does not verify' : `the checkpoint after the last event: ${opened.why}` }];
    // The last leaf is in the signed tree; so is everything before it only if the chain's root (the prefix's included) is the one the proof's left side gives.
    if (rootEndingAt(verdict.lastLeaf, verdict.size - 1, opened.checkpoint.size, path)?.equals(verdict.roots.get(verdict.size) ?? Buffer.alloc(0))) return [];
    return [{ kind: 'checkpoint-not-extending', position: verdict.headPosition, detail: `the root of the bundle's ${verdict.size} events (its prefix's included) is not the one the signed checkpoint of ${opened.checkpoint.size} holds: the prefix does not belong to that log` }];
  }
  if (verdict.events === 0) {
    // An empty log and a wiped one look alike without a checkpoint kept from before: nothing here is proved.
    return [{ kind: 'unsigned', position: null, detail: "the bundle holds no event (an empty log, or a range past the log's last signed checkpoint): nothing in it is tied to a signed root; compare the log's size with a checkpoint you kept" }];
  }
  const what = `events ${covered + 1} to ${verdict.size} of the chain (to position ${verdict.headPosition})`;
  return [{ kind: 'unsigned', position: verdict.headPosition, detail: `${what}: no signed checkpoint in the bundle covers them, so nothing ties them to the register's signed roots` }];
}

/** A checkpoint the auditor trusts must be one the bundle's log passes through. */
function trustedProblems(note: string | undefined, roots: Map<number, Hash>, key: { name: string; publicKey: KeyObject }, origin: string | undefined, startsAt: number): Problem[] {
  if (!note) return [];
  const opened = openCheckpoint(note, key.name, key.publicKey);
  if (!opened.ok) return [{ kind: 'checkpoint-signature', position: null, detail: `the trusted checkpoint: ${opened.why}` }];
  const { size } = opened.checkpoint;
  // As the server answers a checkpoint of another log (LogVerifier's checkCheckpoints), not as a fork of this one.
  if (origin !== undefined && opened.checkpoint.origin !== origin) return [{ kind: 'checkpoint-signature', position: null, detail: `the trusted checkpoint is signed for another log (${opened.checkpoint.origin}), not this one (${origin})` }];
  const root = roots.get(size);
  if (!root && size < startsAt) return [{ kind: 'gap', position: null, detail: `the bundle starts after the trusted checkpoint (its events begin at size ${startsAt}, the checkpoint holds ${size}): export from the checkpoint's size on to hold the log to it` }];
  if (!root) return [{ kind: 'gap', position: null, detail: `the bundle does not reach the trusted checkpoint's size ${size}` }];
  return root.equals(opened.checkpoint.root) ? [] : [{ kind: 'checkpoint-not-extending', position: null, detail: `the bundle's log is not the one the trusted checkpoint of ${opened.checkpoint.size} events signed: a forked history` }];
}

/** `node verifier-core.js [verifier-key] < bundle.ndjson`: the verdict as JSON; exit 1 when not clean. */
function main(): void {
  let text = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => (text += chunk));
  process.stdin.on('end', () => {
    try {
      const verdict = verifyBundle(text.split('\n'), { verifierKey: process.argv[2] });
      process.stdout.write(`${JSON.stringify(verdict, null, 2)}\n`);
      process.exitCode = verdict.ok ? 0 : 1;
    } catch (error) {
      // A damaged bundle is not verified, said as a verdict: a probe's damaged lines ended in a stack trace.
      process.stdout.write(`${JSON.stringify({ ok: false, unreadable: (error as Error).message }, null, 2)}\n`);
      process.exitCode = 1;
    }
  });
}

if (require.main === module) main();
