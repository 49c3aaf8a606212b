import { Doc } from './document';
import { CollectionSpec } from './projection';
import { Update } from './updater';

/**
 * One write to one document at the position `pos` of the event(s) it stands for. Stores stamp
 * `_pos = pos` on the document. A store applies a write only if the document's `_pos < pos`
 * (the guard): see `ReadStore.write` for when it is checked. `insert`: the document was absent
 * before the batch (a store may insert it rather than look it up; guarded, it is a replace).
 */
export type WriteOp =
  | { _id: string; pos: number; update: Update; upsert: boolean }
  | { _id: string; pos: number; replace: Doc; upsert: boolean; insert?: true }
  | { _id: string; pos: number; delete: true };

/** One round of a batch: at most one write per document, so a round may be applied in any order. */
export type Round = Array<{ collection: string; ops: WriteOp[] }>;

/**
 * Where a batch's journal was kept: `chunks` documents of the store's journal collection, or, for
 * a small batch, `text` carried in the state document itself (one write less per batch).
 */
export interface JournalRef {
  chunks: number;
  text?: string;
}

export interface FindOptions {
  sort?: Record<string, 1 | -1>;
  skip?: number;
  limit?: number;
  /** MongoDB projection (field selection), e.g. `{ name: 1 }`. */
  fields?: Record<string, 0 | 1>;
  /**
   * The caller changes nothing in the documents it gets: the memory store may then hand over its
   * own instead of copies (a province's summary reads 3,000 branch documents: the copies were
   * most of its time). MongoDB's documents are the caller's anyway.
   */
  readOnly?: true;
}

/** matched/inserted: the update was applied; none: nothing matched and no upsert (or the upsert met a duplicate _id). */
export type UpdateOutcome = 'matched' | 'inserted' | 'none';

/**
 * Where read models live: MongoDB (FerretDB in development) or memory (the embedded start).
 * Collection names are physical (`<projection>.<collection>`); see naming.ts.
 */
export interface ReadStore {
  readonly kind: 'mongodb' | 'ferretdb' | 'memory';
  /**
   * Applies one round to a collection. `guarded`: some writes may already be applied (a batch
   * being recovered), so each write is checked against its document's `_pos`. Unguarded, the
   * caller vouches that every document is behind its write (the runner's invariant: the store is
   * consistent at its checkpoint) and a store may skip the check; MongoDB checks anyway (it is
   * free there), FerretDB does not (a filter other than `{_id}` scans the collection).
   */
  write(collection: string, ops: readonly WriteOp[], guarded: boolean): Promise<{ applied: number }>;
  /** Inserts documents known to be absent (an initial load into an empty copy), in bulk; each keeps its `_id` and `_pos`. */
  insert(collection: string, docs: Iterable<Doc>): Promise<void>;
  find(collection: string, filter?: Record<string, unknown>, options?: FindOptions): Promise<Doc[]>;
  findOne(collection: string, filter: Record<string, unknown>): Promise<Doc | undefined>;
  count(collection: string, filter?: Record<string, unknown>): Promise<number>;
  /** Every document in `_id` order (compareIds), in batches: for diffs. */
  scan(collection: string): AsyncIterable<Doc>;
  /** A conditional update of one bookkeeping document; `filter` must name its `_id`. */
  updateOne(collection: string, filter: Record<string, unknown>, update: Update, upsert: boolean): Promise<UpdateOutcome>;
  deleteOne(collection: string, id: string): Promise<void>;
  ensureCollection(collection: string, spec: CollectionSpec): Promise<void>;
  dropCollection(collection: string): Promise<void>;
  /** Moves `from` to `to`, replacing `to`. */
  renameCollection(from: string, to: string): Promise<void>;
  listCollections(): Promise<string[]>;
  /**
   * Keeps a batch's planned rounds until the batch is written (the redo journal); returns where: a
   * store may hand a small journal back as text for the caller to keep in the state document.
   */
  saveJournal(name: string, rounds: Round[]): Promise<JournalRef>;
  loadJournal(name: string, ref: JournalRef): Promise<Round[]>;
  close(): Promise<void>;
}
