import { applyWrite, writeOf } from './apply';
import { merge, planned, PlannedWrite, toWriteOp } from './coalesce';
import { cloneValue, Doc, POS } from './document';
import { Operation } from './projection';
import { Round, WriteOp } from './read-store';

/** What a batch knows of one document: its planned writes, and its view once a handler read it. */
interface Entry {
  /** Usually one write; more when an operation could not be merged into the previous one. Empty: only read. */
  writes: PlannedWrite[];
  /** True once `view` holds the document as of `from` with the batch's writes so far (undefined: absent). */
  viewed: boolean;
  view: Doc | undefined;
  /** Known absent as of `from` (loaded as such, or the cache says so). */
  absent: boolean;
}

export interface BatchLimits {
  maxEvents: number;
  maxDocuments: number;
}

/**
 * Documents as they stand after the batches handed over so far (the store's state once their writes
 * land), kept by the runner across batches so that a handler's read need not go to the store, nor
 * wait for the write in flight. A batch takes a document from it (no copy) and gives back what it
 * knows at the end. Bounded: the oldest entries are dropped. Only valid while one writer holds
 * the copy and its writes succeed: the runner starts a new one whenever it (re)starts from a checkpoint.
 */
export class DocumentCache {
  private readonly docs = new Map<string, Map<string, Doc | undefined>>();
  private size = 0;

  /**
   * `complete`: the cache knows every document (the copy was empty when it started, at checkpoint
   * 0): one it does not hold is absent. Until it drops or forgets one.
   */
  constructor(
    readonly maxDocuments: number,
    private complete = false,
  ) {
    if (maxDocuments <= 0) this.complete = false;
  }

  /** `found` false: not known here. */
  take(collection: string, id: string): { found: boolean; doc: Doc | undefined } {
    const docs = this.docs.get(collection);
    if (!docs || !docs.has(id)) return this.complete ? ABSENT : NOT_FOUND;
    return { found: true, doc: docs.get(id) };
  }

  set(collection: string, id: string, doc: Doc | undefined): void {
    if (this.maxDocuments <= 0) return;
    let docs = this.docs.get(collection);
    if (!docs) this.docs.set(collection, (docs = new Map()));
    if (docs.has(id)) docs.delete(id); // to the back of the eviction order
    else this.size++;
    docs.set(id, doc);
    while (this.size > this.maxDocuments) this.evictOne();
  }

  forget(collection: string, id: string): void {
    this.complete = false;
    if (this.docs.get(collection)?.delete(id)) this.size--;
  }

  private evictOne(): void {
    // the oldest entry of the fullest collection: close enough to least recently written
    let fullest: Map<string, Doc | undefined> | undefined;
    for (const docs of this.docs.values()) if (!fullest || docs.size > fullest.size) fullest = docs;
    const oldest = fullest!.keys().next().value as string;
    fullest!.delete(oldest);
    this.size--;
    this.complete = false;
  }
}

const NOT_FOUND = { found: false, doc: undefined } as const;
const ABSENT = { found: true, doc: undefined } as const;

/**
 * The events read since the checkpoint `from`, as writes planned per document: operations on the
 * same document are merged (coalesce.ts), so a batch costs one write per document it touches,
 * however many of its events touch it. Documents a handler reads are kept as views with the
 * batch's own writes applied (read-your-writes).
 */
export class Batch {
  events = 0;
  lastPos: number;
  /** Documents with planned writes. */
  private documents = 0;
  private readonly entries = new Map<string, Map<string, Entry>>();
  /** Planned by handOver: documents absent as of `from` are written once, as they end (an insert). */
  private planned?: Round[];

  constructor(
    readonly from: number,
    private readonly limits: BatchLimits,
    private readonly physical: (collection: string) => string,
    /** Documents as of `from`, when the runner keeps them (see DocumentCache). */
    readonly cache?: DocumentCache,
  ) {
    this.lastPos = from;
  }

  add(operation: Operation, pos: number): void {
    const entry = this.entry(operation.collection, operation._id);
    const write = planned(operation, pos);
    // the handler's operation as a write (applyWrite copies what it keeps)
    if (entry.viewed) entry.view = applyWrite(entry.view, writeOf(operation, pos)).doc;
    const writes = entry.writes;
    if (writes.length === 0) {
      writes.push(write);
      this.documents++;
      return;
    }
    const last = writes.length - 1;
    const merged = merge(writes[last], write);
    if (merged) writes[last] = merged;
    else writes.push(write);
  }

  /** The event at `pos` is done, whether or not it changed anything: the checkpoint moves past it. */
  advance(pos: number): void {
    this.lastPos = pos;
    this.events++;
  }

  /** No event of the projection's types up to `pos` is left unread: the checkpoint may move there. */
  passTo(pos: number): void {
    if (pos > this.lastPos) this.lastPos = pos;
  }

  get full(): boolean {
    return this.events >= this.limits.maxEvents || this.documents >= this.limits.maxDocuments;
  }

  /** The document as the store has it (`load`: as of `from`) with this batch's writes so far. */
  async view(collection: string, id: string, load: () => Promise<Doc | undefined>): Promise<Doc | undefined> {
    return this.viewNow(collection, id) ?? this.loadView(collection, id, await load());
  }

  /**
   * The view when the batch or the cache knows the document (a copy, in a one-element array so
   * that an absent document is told from an unknown one), undefined when it must be loaded.
   */
  known(collection: string, id: string): [Doc | undefined] | undefined {
    const entry = this.entries.get(collection)?.get(id);
    if (entry?.viewed) return [cloneValue(entry.view)];
    const cached = this.cache?.take(collection, id);
    if (!cached?.found) return undefined;
    return [cloneValue(this.loadView(collection, id, cached.doc, entry))];
  }

  /** The view after `load` (the store's document as of `from`, owned by the batch from now on); a copy. */
  loaded(collection: string, id: string, doc: Doc | undefined): Doc | undefined {
    const entry = this.entries.get(collection)?.get(id);
    if (entry?.viewed) return cloneValue(entry.view); // loaded meanwhile by another read
    return cloneValue(this.loadView(collection, id, doc, entry));
  }

  /**
   * Gives the cache what the batch knows of its documents as they will be once it is written: the
   * views, and documents whose first write does not depend on what was there (replace, delete);
   * forgets the others. Call once the batch is complete, before its write.
   */
  handOver(): void {
    const cache = this.cache;
    if (!cache) return;
    const rounds = new Rounds(this.physical);
    for (const [collection, docs] of this.entries) {
      for (const [id, entry] of docs) {
        let doc: Doc | undefined;
        let absent = entry.absent;
        if (entry.viewed) doc = entry.view;
        else {
          const cached = cache.take(collection, id); // as of `from`: the writes apply to it
          if (!cached.found && !independent(entry.writes[0])) {
            cache.forget(collection, id);
            rounds.addAll(collection, id, entry.writes);
            continue;
          }
          absent = cached.found && cached.doc === undefined;
          doc = cached.doc;
          for (const write of entry.writes) doc = applyWrite(doc, toWriteOp(id, write)).doc;
        }
        cache.set(collection, id, doc);
        if (!absent || entry.writes.length === 0) rounds.addAll(collection, id, entry.writes);
        else if (doc) {
          // absent before, so one write of the document as it ends stands for all of them
          const { _id: _ignored, [POS]: pos, ...rest } = cloneValue(doc);
          rounds.add(0, collection, { _id: id, pos: pos as number, replace: rest, upsert: true, insert: true });
        } // absent before and after: nothing to write
      }
    }
    this.planned = rounds.done();
  }

  /** The writes in rounds: a document's k-th write goes in round k, so a round has one write per document. */
  rounds(): Round[] {
    if (this.planned) return this.planned;
    const rounds = new Rounds(this.physical);
    for (const [collection, docs] of this.entries) for (const [id, entry] of docs) rounds.addAll(collection, id, entry.writes);
    return rounds.done();
  }

  private viewNow(collection: string, id: string): Promise<Doc | undefined> | undefined {
    const known = this.known(collection, id);
    return known && Promise.resolve(known[0]);
  }

  private loadView(collection: string, id: string, doc: Doc | undefined, entry = this.entries.get(collection)?.get(id)): Doc | undefined {
    const target = entry ?? this.entry(collection, id);
    target.absent = doc === undefined;
    for (const write of target.writes) doc = applyWrite(doc, toWriteOp(id, write)).doc;
    target.viewed = true;
    target.view = doc;
    return doc;
  }

  private entry(collection: string, id: string): Entry {
    let docs = this.entries.get(collection);
    if (!docs) this.entries.set(collection, (docs = new Map()));
    let entry = docs.get(id);
    if (!entry) docs.set(id, (entry = { writes: [], viewed: false, view: undefined, absent: false }));
    return entry;
  }
}

/** Writes sorted into rounds, per physical collection. */
class Rounds {
  private readonly rounds: Array<Map<string, WriteOp[]>> = [];

  constructor(private readonly physical: (collection: string) => string) {}

  addAll(collection: string, id: string, writes: readonly PlannedWrite[]): void {
    for (let k = 0; k < writes.length; k++) this.add(k, collection, toWriteOp(id, writes[k]));
  }

  add(k: number, collection: string, op: WriteOp): void {
    const round = (this.rounds[k] ??= new Map());
    const physical = this.physical(collection);
    let ops = round.get(physical);
    if (!ops) round.set(physical, (ops = []));
    ops.push(op);
  }

  done(): Round[] {
    return this.rounds.map((round) => [...round].map(([collection, ops]) => ({ collection, ops })));
  }
}

/** A write whose result does not depend on the document before it. */
function independent(write: PlannedWrite): boolean {
  return write.kind === 'delete' || (write.kind === 'replace' && write.upsert);
}
