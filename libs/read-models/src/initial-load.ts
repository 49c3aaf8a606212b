import { deepFreeze, RecordedEvent } from '@register/event-sourcing';
import { applyWrite, writeOf } from './apply';
import { cloneValue, Doc } from './document';
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

/**
 * A copy built from nothing (checkpoint 0: the copy is empty) folds the events into documents in
 * memory, each event's writes applied at once, and the store receives each document once, as it
 * ends, in bulk inserts. The batched path (batch.ts) instead plans, merges, journals and writes
 * rounds, which a rebuild does not need: until the load is saved the checkpoint stays at 0, and a
 * copy at checkpoint 0 is emptied by the next writer (CopyWriter.prepare), so a load interrupted
 * anywhere, even halfway through its inserts, is simply started again. On the memory store the
 * working set is the store's own collection: nothing is copied at the end.
 * Bounded by `maxDocuments`: once the working set holds that many, the runner writes it and goes
 * on in batches from there.
 */
export class InitialLoad {
  lastPos = 0;
  private documents = 0;
  /** The working set's map of each collection, looked up once (a physical name is built on each lookup); no prototype: only the projection's names are found. */
  private readonly maps: Record<string, Map<string, Doc> | undefined> = Object.create(null);
  readonly reader: ProjectionReader = {
    read: (collection, id) => {
      const docs = this.maps[collection];
      if (docs === undefined) return Promise.reject(new Error(`unknown collection ${collection}`));
      const doc = docs.get(id);
      if (!doc) return ABSENT;
      return Promise.resolve(FROZEN_READS ? frozenCopy(doc) : doc); // read-only (ProjectionReader): no copy for each read
    },
  };

  constructor(
    private readonly projection: AnyProjection,
    workingSet: WorkingSet,
    private readonly maxDocuments = Infinity,
  ) {
    for (const collection of Object.keys(projection.collections)) this.maps[collection] = workingSet(collection);
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
      const ops = operationsOf(this.projection, event, this.reader);
      this.apply(event.position, ops instanceof Promise ? await ops : ops);
      folded++;
    }
    return folded;
  }

  /** The documents built, per collection of the projection. */
  collections(): Array<[string, Map<string, Doc>]> {
    return Object.keys(this.projection.collections).map((c) => [c, this.docsOf(c)]);
  }

  private docsOf(collection: string): Map<string, Doc> {
    return this.maps[collection]!;
  }

  private apply(pos: number, ops: readonly Operation[] = []): void {
    for (const operation of ops) {
      const docs = this.docsOf(operation.collection);
      const before = docs.get(operation._id);
      const { doc } = applyWrite(before, writeOf(operation, pos));
      if (doc && doc !== before) docs.set(operation._id, doc); // an update changes `before` in place: already there
      else if (!doc && before) docs.delete(operation._id);
      this.documents += (doc ? 1 : 0) - (before ? 1 : 0);
    }
    this.lastPos = pos;
  }
}

function frozenCopy<T>(value: T): T {
  return deepFreeze(cloneValue(value));
}
