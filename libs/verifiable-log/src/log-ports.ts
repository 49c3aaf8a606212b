import type { KeyObject } from 'node:crypto';
import type { ChainRow, ChainVersion } from './verifier-core';

/** What the log's integrity reads of a log: its chain as stored (SqlLogChain gives it). */
export interface ChainSource {
  entries(afterPosition: number, limit: number, toPosition?: number): Promise<ChainRow[]>;
  /** The stored hashes by index, each with the chain version it was drawn in (absent: 1). */
  hashes(fromSeq: number, limit: number): Promise<{ seq: number; hash: Buffer; version?: ChainVersion }[]>;
  positionOf(seq: number): Promise<number | undefined>;
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
  /** The checkpoint of the largest size (below `beforeSize`, when given). */
  latest(beforeSize?: number): Promise<StoredCheckpoint | undefined>;
  /** The first checkpoint whose tree holds leaf `index` (its size is past it). */
  firstCovering(index: number): Promise<StoredCheckpoint | undefined>;
  /** After `afterSize` the next `limit` checkpoints, else the newest `limit`, smallest first; `more`: others lie beyond. */
  page(afterSize: number | undefined, limit: number): Promise<{ checkpoints: StoredCheckpoint[]; more: boolean }>;
  /** The checkpoints of sizes in (after, upTo], smallest first. */
  between(after: number, upTo: number): Promise<StoredCheckpoint[]>;
  save(checkpoint: Omit<StoredCheckpoint, 'madeAt'>): Promise<void>;
}

export interface LogSigner {
  name: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** The stored log does not hold together where a proof or a bundle's prefix was asked: verification names what is wrong. */
export class LogDamaged extends Error {}

/**
 * A bundle asked of a range that holds no event of a log that has some: it could say nothing an
 * auditor could verify (its bundle is unsigned by design). `past-head`: it starts after the log's
 * newest signed event; `empty-range`: it ends before the first, or falls in a gap of positions.
 */
export class EmptyRange extends Error {
  constructor(
    readonly rule: 'past-head' | 'empty-range',
    readonly field: 'fromPosition' | 'toPosition',
    message: string,
    readonly head: number,
  ) {
    super(message);
    this.name = 'EmptyRange';
  }

  static pastHead(fromPosition: number, head: number): EmptyRange {
    return new EmptyRange('past-head', 'fromPosition', `the log's newest event is at position ${head}: a bundle from position ${fromPosition} would hold none (ask from ${head} or earlier, or after the log grows)`, head);
  }

  static holdsNone(fromPosition: number, toPosition: number, head: number): EmptyRange {
    return new EmptyRange('empty-range', 'toPosition', `no event of the log lies between positions ${fromPosition} and ${toPosition} (its events run up to ${head}): a bundle of them would hold none`, head);
  }
}
