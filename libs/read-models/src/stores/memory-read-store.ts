import { find as mingoFind, Query } from 'mingo';
import { applyWrite } from '../apply';
import { cloneValue, compareIds, Doc, isPlainObject } from '../document';
import { STATES } from '../naming';
import { CollectionSpec } from '../projection';
import { EqualityIndexes, indexedFields } from './equality-index';
import { FindOptions, JournalRef, ReadStore, Round, UpdateOutcome, WriteOp } from '../read-store';
import { applyUpdate, Update } from '../updater';

/**
 * The embedded read store: documents in memory with MongoDB's query (mingo) and update semantics,
 * kept across restarts by the embedded snapshot (snapshotState/restoreState: its collections and
 * journals, checkpoints included, so each runner resumes from its own), else rebuilt from the log. Single process, so the guard
 * is always checked (it is free). A declared index's first field is indexed (built on first use,
 * then kept on every write; its values in order from the first range read on it): a filter with an
 * equality, `$in` or string range on it, or an `$or` whose every branch has one (the directory's
 * today), tests only the documents looked up, not the whole collection (a district's 30,000
 * members), and a filter of one such equality, answered exactly by the index, is not tested at
 * all; other filters scan.
 * Results are copies, unless the caller reads them only (`readOnly`).
 */
export class MemoryReadStore implements ReadStore {
  readonly kind = 'memory' as const;
  private readonly collections = new Map<string, Map<string, Doc>>();
  private readonly journals = new Map<string, Round[]>();
  /** The fields each collection's declared indexes answer equalities on (ensureCollection). */
  private readonly indexed = new Map<string, string[]>();
  /** Built on a collection's first indexed read; dropped when its map changes behind the store's back. */
  private readonly indexes = new Map<string, EqualityIndexes>();
  /** Collections whose map an initial load holds (documentsOf): scanned until `loaded`. */
  private readonly held = new Set<string>();

  async write(collection: string, ops: readonly WriteOp[]): Promise<{ applied: number }> {
    const docs = this.docs(collection);
    let applied = 0;
    for (const op of ops) {
      const result = applyWrite(docs.get(op._id), op);
      if (result.applied) {
        applied++;
        if (result.doc) docs.set(op._id, result.doc);
        else docs.delete(op._id);
      }
      // even when the guard refuses it: after an initial load in place the runner's cache holds the
      // map's own documents, and a batch planned on it has already changed the document in place
      this.track(collection, op._id, docs.get(op._id));
    }
    return { applied };
  }

  async insert(collection: string, docs: Iterable<Doc>): Promise<void> {
    const target = this.docs(collection);
    for (const doc of docs) {
      const copy = cloneValue(doc);
      target.set(doc._id as string, copy);
      this.track(collection, doc._id as string, copy);
    }
  }

  /**
   * The collection's own map, for an initial load that builds a copy in place (initial-load.ts):
   * no copy of the documents at the end. Nothing else may hold on to it. The collection is read by
   * scanning until the load says it is done (`loaded`): its index could not follow the changes.
   */
  documentsOf(collection: string): Map<string, Doc> {
    this.indexes.delete(collection);
    this.held.add(collection);
    return this.docs(collection);
  }

  /** The initial load that held the collection's map is done with it: indexed reads again. */
  loaded(collection: string): void {
    this.held.delete(collection);
  }

  async find(collection: string, filter: Record<string, unknown> = {}, options: FindOptions = {}): Promise<Doc[]> {
    const byId = this.byId(collection, filter);
    const byIds = byId ? undefined : this.byIds(collection, filter);
    // Nothing left to filter, sort or project: mingo would only copy the list.
    if (byIds && Object.keys(byIds.rest).length === 0 && Object.keys(options).length === 0) return byIds.docs.map(cloneValue);
    const copy = options.readOnly && !options.fields ? (doc: Doc) => doc : cloneValue;
    if (byId || byIds) return this.query(byId ? (byId.doc ? [byId.doc] : []) : byIds!.docs, byIds ? byIds.rest : filter, options).map(copy);
    const looked = this.lookUp(collection, filter);
    // The index answered the filter exactly: nothing left to test but what the options ask.
    if (looked?.exact && !options.sort && !options.skip && !options.limit && !options.fields) return looked.docs.map(copy);
    return this.query(looked ? looked.docs : [...(this.collections.get(collection)?.values() ?? [])], looked?.exact ? {} : filter, options).map(copy);
  }

  private query(source: Doc[], filter: Record<string, unknown>, options: FindOptions): Doc[] {
    let cursor = mingoFind(source, filter, options.fields);
    if (options.sort) cursor = cursor.sort(options.sort);
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit) cursor = cursor.limit(options.limit);
    return cursor.all() as Doc[];
  }

  async findOne(collection: string, filter: Record<string, unknown>): Promise<Doc | undefined> {
    const byId = this.byId(collection, filter);
    if (byId) return byId.doc && cloneValue(byId.doc);
    return (await this.find(collection, filter, { limit: 1 }))[0];
  }

  async count(collection: string, filter: Record<string, unknown> = {}): Promise<number> {
    if (Object.keys(filter).length === 0) return this.collections.get(collection)?.size ?? 0;
    const query = new Query(filter);
    let n = 0;
    for (const doc of this.candidates(collection, filter)) if (query.test(doc)) n++;
    return n;
  }

  async *scan(collection: string): AsyncIterable<Doc> {
    const docs = this.collections.get(collection);
    if (!docs) return;
    for (const id of [...docs.keys()].sort(compareIds)) {
      const doc = docs.get(id);
      if (doc) yield cloneValue(doc);
    }
  }

  async updateOne(collection: string, filter: Record<string, unknown>, update: Update, upsert: boolean): Promise<UpdateOutcome> {
    const id = filter._id;
    if (typeof id !== 'string') throw new Error('updateOne needs the _id in its filter');
    const docs = this.docs(collection);
    const doc = docs.get(id);
    if (doc) {
      if (!new Query(filter).test(doc)) return 'none'; // an upsert would meet a duplicate _id: none either
      applyUpdate(doc, update, false);
      this.track(collection, id, doc);
      return 'matched';
    }
    if (!upsert) return 'none';
    const created: Doc = { _id: id, ...equalities(filter) };
    applyUpdate(created, update, true);
    docs.set(id, created);
    this.track(collection, id, created);
    return 'inserted';
  }

  async deleteOne(collection: string, id: string): Promise<void> {
    this.collections.get(collection)?.delete(id);
    this.track(collection, id, undefined);
  }

  async ensureCollection(collection: string, spec: CollectionSpec): Promise<void> {
    this.docs(collection);
    // Added to, as MongoDB adds indexes: projections sharing a collection (SharedFieldsStore) each ensure their own.
    const before = this.indexed.get(collection) ?? [];
    const fields = [...new Set([...before, ...indexedFields(spec.indexes)])];
    if (fields.length === before.length) return;
    this.indexed.set(collection, fields);
    this.indexes.delete(collection);
  }

  /** The declared indexes stay: a collection dropped is ensured again under the same name. */
  async dropCollection(collection: string): Promise<void> {
    this.collections.delete(collection);
    this.indexes.delete(collection);
    this.held.delete(collection);
  }

  /** A shadow copy switched in: the target takes the copy's documents and declared indexes (its projection version's). */
  async renameCollection(from: string, to: string): Promise<void> {
    this.collections.set(to, this.collections.get(from) ?? new Map());
    this.collections.delete(from);
    const fields = this.indexed.get(from);
    if (fields) this.indexed.set(to, fields);
    for (const name of [from, to]) this.indexes.delete(name);
    if (this.held.delete(from)) this.held.add(to);
    else this.held.delete(to);
  }

  async listCollections(): Promise<string[]> {
    return [...this.collections.keys()];
  }

  /** Kept by reference: nothing changes a batch's rounds once planned. */
  async saveJournal(name: string, rounds: Round[]): Promise<JournalRef> {
    this.journals.set(name, rounds);
    return { chunks: 1 };
  }

  async loadJournal(name: string): Promise<Round[]> {
    return this.journals.get(name) ?? [];
  }

  async close(): Promise<void> {
    this.collections.clear();
    this.indexes.clear();
    this.held.clear();
  }

  /** The collections and journals themselves: the snapshot copies them in the same tick. */
  snapshotState(): MemoryReadStoreState {
    return { collections: this.collections, journals: this.journals };
  }

  /**
   * Before any runner starts. The leases are dropped: they belonged to a process that is gone (the
   * owner is host and pid), and the store is this process's alone, so its runners need not wait
   * for them to run out; a pending batch stays, and the next `prepare` finishes it from its journal.
   */
  restoreState(state: unknown): void {
    const { collections, journals } = state as MemoryReadStoreState;
    this.collections.clear();
    this.journals.clear();
    this.indexes.clear(); // built again from the restored maps on first use
    this.held.clear();
    for (const [name, docs] of collections) this.collections.set(name, docs);
    for (const [name, rounds] of journals) this.journals.set(name, rounds);
    for (const doc of this.collections.get(STATES)?.values() ?? []) {
      delete doc.owner;
      delete doc.until;
    }
  }

  /** The documents that may match the filter: looked up by an index, else all of them (a scan). */
  private candidates(collection: string, filter: Record<string, unknown>): Iterable<Doc> {
    return this.lookUp(collection, filter)?.docs ?? this.collections.get(collection)?.values() ?? [];
  }

  /** The documents an index finds for the filter (`exact`: they are the matches), or undefined: no index answers it. */
  private lookUp(collection: string, filter: Record<string, unknown>): { docs: Doc[]; exact: boolean } | undefined {
    const docs = this.collections.get(collection);
    const found = docs && this.index(collection, docs)?.candidates(filter);
    return found && { docs: found.ids.map((id) => docs.get(id)!), exact: found.exact };
  }

  private index(collection: string, docs: Map<string, Doc>): EqualityIndexes | undefined {
    const fields = this.indexed.get(collection);
    if (!fields?.length || this.held.has(collection)) return undefined;
    let index = this.indexes.get(collection);
    if (!index) this.indexes.set(collection, (index = new EqualityIndexes(fields, docs)));
    return index;
  }

  /** After the store set (or deleted) a document: an index already built follows it. */
  private track(collection: string, id: string, doc: Doc | undefined): void {
    this.indexes.get(collection)?.update(id, doc);
  }

  private docs(collection: string): Map<string, Doc> {
    let docs = this.collections.get(collection);
    if (!docs) this.collections.set(collection, (docs = new Map()));
    return docs;
  }

  /** `{ _id: 'x' }` is answered by key, as MongoDB answers it by its index. */
  /**
   * `{ _id: { $in: ids } }` (with other conditions or not): the documents looked up by key, and the
   * rest of the filter. Testing `$in` on every document costs documents × ids (a report's 3,000
   * branches by id: 9 million comparisons).
   */
  private byIds(collection: string, filter: Record<string, unknown>): { docs: Doc[]; rest: Record<string, unknown> } | undefined {
    const id = filter._id as Record<string, unknown> | undefined;
    const ids = id && typeof id === 'object' && Object.keys(id).length === 1 ? id.$in : undefined;
    if (!Array.isArray(ids) || !ids.every((i) => typeof i === 'string')) return undefined;
    const docs = this.collections.get(collection);
    const { _id: _, ...rest } = filter;
    const found = [...new Set(ids as string[])].map((i) => docs?.get(i));
    return { docs: found.filter((doc): doc is Doc => doc !== undefined), rest };
  }

  private byId(collection: string, filter: Record<string, unknown>): { doc: Doc | undefined } | undefined {
    const keys = Object.keys(filter);
    if (keys.length !== 1 || keys[0] !== '_id' || typeof filter._id !== 'string') return undefined;
    return { doc: this.collections.get(collection)?.get(filter._id) };
  }
}

/** What the embedded snapshot keeps of a memory store. */
export interface MemoryReadStoreState {
  collections: Map<string, Map<string, Doc>>;
  journals: Map<string, Round[]>;
}

/** What an upsert copies from its filter into the new document, as MongoDB does: plain field equalities. */
function equalities(filter: Record<string, unknown>): Doc {
  const out: Doc = {};
  for (const [k, v] of Object.entries(filter)) {
    if (k.startsWith('$') || k === '_id' || k.includes('.')) continue;
    if (isPlainObject(v) && Object.keys(v).some((x) => x.startsWith('$'))) continue;
    out[k] = cloneValue(v);
  }
  return out;
}
