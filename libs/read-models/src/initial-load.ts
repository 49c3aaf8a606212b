import { deepFreeze, RecordedEvent } from '@register/event-sourcing';
import { applyWrite, writeOf } from './apply';
import { cloneValue, Doc, POS } from './document';
import { operationsOf } from './handle';
import { AnyProjection, Operation, ProjectionReader } from './projection';

/** Under tests a handler that changes a document it read fails there, rather than corrupting a load later. */
const FROZEN_READS = process.env.NODE_ENV === 'test';
const ABSENT: Promise<undefined> = Promise.resolve(undefined);

/** Where an initial load keeps the documents it builds, per collection of the projection. */
export type WorkingSet = (collection: string) => Map<string, Doc>;

/** Private maps, for a store the documents are written to at the end. */
export function privateWorkingSet(): WorkingSet {
  const collections = new Map<string, Map<string, Doc>>();
  return (collection) => {
    let docs = collections.get(collection);
    if (!docs) collections.set(collection, (docs = new Map()));
    return docs;
  };
}

/** Where a load's documents go when it holds too many (a spill), and where it reads them back. */
export interface SpillTarget {
  /** A document an earlier spill wrote, as stored. */
  read(collection: string, id: string): Promise<Doc | undefined>;
  /** Inserts `fresh` (never written before), replaces `changed` (written by an earlier spill) and deletes `deleted`. */
  write(collection: string, fresh: Doc[], changed: Doc[], deleted: string[]): Promise<void>;
}

/**
 * A copy built from nothing (checkpoint 0: the copy is empty) folds the events into documents in
 * memory, each event's writes applied at once, and the store receives each document once, as it
 * ends, in bulk inserts. The batched path (batch.ts) instead plans, merges, journals and writes
 * rounds, which a rebuild does not need: until the load is saved the checkpoint stays at 0, and a
 * copy at checkpoint 0 is emptied by the next writer (CopyWriter.prepare), so a load interrupted
 * anywhere, even halfway through its inserts, is simply started again. On the memory store the
 * working set is the store's own collection: nothing is copied at the end.
 * Bounded (by `maxDocuments`, or by the runner's heap budget) where it has a SpillTarget: the
 * documents held are written out (a spill) and the fold goes on with an empty working set; a
 * document written out is read back when an event touches it again, and written again (replaced)
 * at the next spill if it changed. The checkpoint still moves only once, at the end: a crash after
 * a spill leaves the copy at 0 as before.
 */
export class InitialLoad {
  lastPos = 0;
  /** Spills so far (the load's last write, which keeps what it holds, is not one). */
  spills = 0;
  private documents = 0;
  /** The working set's map of each collection, looked up once (a physical name is built on each lookup); no prototype: only the projection's names are found. */
  private readonly maps: Record<string, Map<string, Doc> | undefined> = Object.create(null);
  /** Per collection: ids written by a spill and not deleted by one since (the store holds them). */
  private readonly stored: Record<string, Set<string>> = Object.create(null);
  /** Per collection: stored ids deleted since the last spill. */
  private readonly deleted: Record<string, Set<string>> = Object.create(null);
  /** Per collection: stored documents read back since the last spill, with their `_pos` as read (unchanged ones are not written again). */
  private readonly readBack: Record<string, Map<string, unknown>> = Object.create(null);
  readonly reader: ProjectionReader = {
    read: (collection, id) => {
      const docs = this.maps[collection];
      if (docs === undefined) return Promise.reject(new Error(`unknown collection ${collection}`));
      const doc = docs.get(id);
      if (!doc) return this.storedAway(collection, id) ? this.fetch(collection, id).then(readOnly) : ABSENT;
      return Promise.resolve(readOnly(doc)); // read-only (ProjectionReader): no copy for each read
    },
  };

  constructor(
    private readonly projection: AnyProjection,
    workingSet: WorkingSet,
    private readonly maxDocuments = Infinity,
    private readonly target?: SpillTarget,
  ) {
    for (const collection of Object.keys(projection.collections)) {
      this.maps[collection] = workingSet(collection);
      this.stored[collection] = new Set();
      this.deleted[collection] = new Set();
      this.readBack[collection] = new Map();
    }
  }

  /** No event of the projection's types up to `pos` is left unread: the checkpoint may move there. */
  passTo(pos: number): void {
    if (pos > this.lastPos) this.lastPos = pos;
  }

  /** Documents held. */
  get size(): number {
    return this.documents;
  }

  get full(): boolean {
    return this.documents >= this.maxDocuments;
  }

  /**
   * Folds a page in; the number of events folded (a redelivered one is not). Awaits only where a
   * handler (or a read) returned a promise, and then that promise itself: no promise of its own per
   * event, which was a measurable part of a rebuild's fold.
   */
  async fold(page: readonly RecordedEvent[]): Promise<number> {
    let folded = 0;
    for (const event of page) {
      if (event.position <= this.lastPos) continue; // redelivered (see ProjectionRunner.process)
      const result = operationsOf(this.projection, event, this.reader);
      const ops = result instanceof Promise ? await result : result;
      if (this.spills > 0 && ops?.some((op) => this.storedAway(op.collection, op._id))) await this.readBackTargets(ops);
      this.apply(event.position, ops);
      folded++;
    }
    return folded;
  }

  /**
   * Writes what is held to the target and empties the working set (`keep`: holds on to it, for the
   * load's last write, whose documents the runner's cache then knows).
   */
  async spill(keep = false): Promise<void> {
    const target = this.target;
    if (!target) throw new Error(`initial load of ${this.projection.name}: nowhere to write its documents`);
    for (const collection of Object.keys(this.projection.collections)) {
      const [docs, stored, deleted, readBack] = [this.docsOf(collection), this.stored[collection], this.deleted[collection], this.readBack[collection]];
      const fresh: Doc[] = [];
      const changed: Doc[] = [];
      for (const [id, doc] of docs) {
        if (!stored.has(id)) fresh.push(doc);
        else if (!readBack.has(id) || readBack.get(id) !== doc[POS]) changed.push(doc);
      }
      await target.write(collection, fresh, changed, [...deleted]);
      for (const doc of fresh) stored.add(doc._id as string);
      for (const id of deleted) stored.delete(id);
      deleted.clear();
      readBack.clear();
      if (!keep) docs.clear();
    }
    if (keep) return;
    this.documents = 0;
    this.spills++;
  }

  /** The documents held, per collection of the projection. */
  collections(): Array<[string, Map<string, Doc>]> {
    return Object.keys(this.projection.collections).map((c) => [c, this.docsOf(c)]);
  }

  private docsOf(collection: string): Map<string, Doc> {
    return this.maps[collection]!;
  }

  /** Written by a spill, not deleted since, not held: the store has it. */
  private storedAway(collection: string, id: string): boolean {
    return this.stored[collection].has(id) && !this.deleted[collection].has(id) && !this.docsOf(collection).has(id);
  }

  /** A stored document read back into the working set. */
  private async fetch(collection: string, id: string): Promise<Doc | undefined> {
    const doc = await this.target!.read(collection, id);
    const docs = this.docsOf(collection);
    if (doc && this.storedAway(collection, id)) {
      docs.set(id, doc);
      this.readBack[collection].set(id, doc[POS]);
      this.documents++;
    }
    return docs.get(id);
  }

  /** An operation on a stored document needs it held, whether or not its handler read it (fold awaits this only when one does: no promise per event). */
  private async readBackTargets(ops: readonly Operation[]): Promise<void> {
    for (const op of ops) if (this.storedAway(op.collection, op._id)) await this.fetch(op.collection, op._id);
  }

  private apply(pos: number, ops: readonly Operation[] = []): void {
    for (const operation of ops) {
      const docs = this.docsOf(operation.collection);
      const before = docs.get(operation._id);
      const { doc } = applyWrite(before, writeOf(operation, pos));
      if (doc && doc !== before) docs.set(operation._id, doc); // an update changes `before` in place: already there
      else if (!doc && before) docs.delete(operation._id);
      if (this.spills > 0) this.noteStored(operation.collection, operation._id, doc !== undefined);
      this.documents += (doc ? 1 : 0) - (before ? 1 : 0);
    }
    this.lastPos = pos;
  }

  /** A stored document deleted is deleted at the next spill; made again, it is replaced then instead. */
  private noteStored(collection: string, id: string, exists: boolean): void {
    if (!this.stored[collection].has(id)) return;
    if (exists) this.deleted[collection].delete(id);
    else {
      this.deleted[collection].add(id);
      this.readBack[collection].delete(id);
    }
  }
}

function readOnly<T>(doc: T): T {
  return FROZEN_READS && doc !== undefined ? frozenCopy(doc) : doc;
}

function frozenCopy<T>(value: T): T {
  return deepFreeze(cloneValue(value));
}
