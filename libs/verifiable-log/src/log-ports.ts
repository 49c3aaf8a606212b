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

/** A bundle asked from a position past the log's signed head: it would hold no event, and say nothing an auditor could verify. */
export class RangePastHead extends Error {
  constructor(
    readonly fromPosition: number,
    readonly head: number,
  ) {
    super(head === 0 ? `the log holds no event yet: a bundle from position ${fromPosition} would hold none` : `the log's newest event is at position ${head}: a bundle from position ${fromPosition} would hold none (ask from ${head} or earlier, or after the log grows)`);
    this.name = 'RangePastHead';
  }
}
