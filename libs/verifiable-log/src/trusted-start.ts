import type { ChainSource, CheckpointStore, LogSigner, StoredCheckpoint } from './log-ports';
import type { LeafReader, TreeReader } from './tree-tiles';
import { ChainVersion, Frontier, Hash, leafOf, openCheckpoint, Problem, toHex, verifyInclusion } from './verifier-core';

/** Where a verification from a trusted checkpoint starts: after its last event, from its compact range. */
export interface TrustedStart {
  size: number;
  rootHash: string;
  /** The position of the checkpoint's last event: the verification reads the events after it. */
  afterPosition: number;
  frontier: Frontier;
  prev: Hash;
  version: ChainVersion;
}

export interface TrustedStartDeps {
  origin: string;
  signer: Pick<LogSigner, 'name' | 'publicKey'>;
  chain: Pick<ChainSource, 'hashes' | 'head' | 'positionOf'>;
  checkpoints: Pick<CheckpointStore, 'firstCovering'>;
  treeOf(checkpoint: StoredCheckpoint): TreeReader;
  leafReader: LeafReader;
  leaves(size: number): Promise<Hash[]>;
}

const problem = (kind: Problem['kind'], detail: string, position: number | null = null): { problem: Problem } => ({ problem: { kind, position, detail } });

/**
 * A checkpoint the auditor kept from before (its signed note): the log as stored must hold it
 * (its first `size` events give its root, drawn from the tree's stored nodes, else from every
 * leaf), and its last event must be the one it signed (that event's proof against its root). Then
 * the events after it are verified from there, and the ones before are not read. Otherwise the
 * problem that says why not; the caller then verifies from the first event.
 */
export async function trustedStart(note: string, deps: TrustedStartDeps): Promise<TrustedStart | { problem: Problem }> {
  const opened = openCheckpoint(note, deps.signer.name, deps.signer.publicKey);
  if (!opened.ok) return problem('checkpoint-signature', `the trusted checkpoint: ${opened.why}`);
  const { size, root, origin } = opened.checkpoint;
  if (origin !== deps.origin) return problem('checkpoint-signature', `the trusted checkpoint is signed for another log (${origin}), not this one (${deps.origin})`);
  if (size < 1) return problem('checkpoint-signature', 'the trusted checkpoint holds no event');
  const head = await deps.chain.head();
  if (size > head.size) return problem('gap', `the chain holds ${head.size} events, and the trusted checkpoint holds ${size}: the log was cut short`, head.position || null);
  const frontier = await frontierAt(size, root, deps);
  if (!frontier) return problem('checkpoint-not-extending', `the log's first ${size} events are not the ones the trusted checkpoint signed: its history before it was changed`);
  const [last] = await deps.chain.hashes(size - 1, 1);
  const afterPosition = await deps.chain.positionOf(size - 1);
  const leaf = last?.seq === size - 1 ? leafOf(last.version ?? 1, last.hash) : undefined;
  const path = await deps.treeOf({ size, rootHash: toHex(root), madeAt: '', note, frontier: frontier.toJSON() }).inclusionPath(size - 1, size).catch(() => undefined);
  if (!leaf || !path || afterPosition === undefined || !verifyInclusion(leaf, size - 1, size, path, root)) {
    return problem('checkpoint-not-extending', `event ${size - 1} of the chain, the trusted checkpoint's last, is not the one it signed`);
  }
  return { size, rootHash: toHex(root), afterPosition, frontier, prev: last.hash, version: last.version ?? 1 };
}

/** The compact range of the first `size` leaves when it gives `root`: from the stored nodes, else from every leaf. */
async function frontierAt(size: number, root: Hash, deps: TrustedStartDeps): Promise<Frontier | undefined> {
  const covering = await deps.checkpoints.firstCovering(size - 1);
  const nodes = covering && (await deps.treeOf(covering).frontierOf(size).catch(() => undefined));
  const drawn = nodes && Frontier.fromJSON({ size, nodes: nodes.map(toHex) });
  if (drawn?.root().equals(root)) return drawn;
  const leaves = await deps.leaves(size);
  if (leaves.length < size) return undefined;
  const frontier = Frontier.empty();
  leaves.forEach((leaf) => frontier.append(leaf));
  return frontier.root().equals(root) ? frontier : undefined;
}
