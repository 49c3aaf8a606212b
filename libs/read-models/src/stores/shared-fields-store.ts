import { KeyedTurns } from '@register/event-sourcing';
import { applyWrite } from '../apply';
import { cloneValue, Doc } from '../document';
import { CollectionSpec } from '../projection';
import { FindOptions, JournalRef, ReadStore, Round, UpdateOutcome, WriteOp } from '../read-store';
import { Update } from '../updater';

/** Where a projection's collection lives inside a shared one: each document is the `field` of the shared document with the same `_id`. */
export interface SharedField {
  collection: string;
  field: string;
}

const WRITE_CONCURRENCY = 32;

/**
 * A read store in which some projections' live collections (by physical name, e.g.
 * `report-membership.branches`) are each one field of a shared collection (`report.branches`,
 * field `membership`), so that a reader finds what several projections know of one thing in one
 * document. Each projection keeps its own checkpoint, journal, shadow copy and guard: a
 * document's `_pos` is its field's own (`membership._pos`, a position in that projection's log),
 * and a write reads and rewrites that field only, so projections of different logs never touch
 * each other's fields. Every other collection (shadow copies, checkpoints, unshared collections)
 * is the inner store's, as is.
 *
 * Writes to one shared document are taken one at a time in this process: MongoDB applies a `$set`
 * of one field atomically, but FerretDB v1 reads, changes and rewrites the whole document, so two
 * projections' writes of their own fields at once could lose one of them
 * (test/read-models/shared-fields-concurrent.test.ts). Several processes writing the same shared
 * documents need MongoDB itself (docs/reports.md).
 */
export class SharedFieldsStore implements ReadStore {
  /** Writes to one shared document (`collection/_id`), one at a time. */
  private readonly turns = new KeyedTurns();

  constructor(
    readonly inner: ReadStore,
    private readonly shared: Readonly<Record<string, SharedField>>,
  ) {}

  get kind() {
    return this.inner.kind;
  }

  /** The guard is the field's `_pos`, checked here on every write (`guarded` or not). */
  async write(collection: string, ops: readonly WriteOp[], guarded: boolean): Promise<{ applied: number }> {
    const to = this.shared[collection];
    if (!to) return this.inner.write(collection, ops, guarded);
    let applied = 0;
    for (let i = 0; i < ops.length; i += WRITE_CONCURRENCY) {
      const done = await Promise.all(ops.slice(i, i + WRITE_CONCURRENCY).map((op) => this.writeField(to, op)));
      applied += done.filter(Boolean).length;
    }
    return { applied };
  }

  async insert(collection: string, docs: Iterable<Doc>): Promise<void> {
    const to = this.shared[collection];
    if (!to) return this.inner.insert(collection, docs);
    const all = [...docs];
    for (let i = 0; i < all.length; i += WRITE_CONCURRENCY) await Promise.all(all.slice(i, i + WRITE_CONCURRENCY).map((d) => this.setField(to, d)));
  }

  async find(collection: string, filter: Record<string, unknown> = {}, options: FindOptions = {}): Promise<Doc[]> {
    const to = this.shared[collection];
    if (!to) return this.inner.find(collection, filter, options);
    const scopedOptions = { ...options, sort: options.sort && prefixed(to.field, options.sort), fields: options.fields && { _id: 1 as const, ...prefixed(to.field, options.fields) } };
    return (await this.inner.find(to.collection, scoped(to.field, filter), scopedOptions)).map((d) => fieldOf(to.field, d)!);
  }

  async findOne(collection: string, filter: Record<string, unknown>): Promise<Doc | undefined> {
    const to = this.shared[collection];
    if (!to) return this.inner.findOne(collection, filter);
    // by _id alone: the fast lookup on every store; the field's presence is tested here
    if (Object.keys(filter).length === 1 && typeof filter._id === 'string') return fieldOf(to.field, await this.inner.findOne(to.collection, filter));
    return fieldOf(to.field, await this.inner.findOne(to.collection, scoped(to.field, filter)));
  }

  count(collection: string, filter: Record<string, unknown> = {}): Promise<number> {
    const to = this.shared[collection];
    return to ? this.inner.count(to.collection, scoped(to.field, filter)) : this.inner.count(collection, filter);
  }

  async *scan(collection: string): AsyncIterable<Doc> {
    const to = this.shared[collection];
    if (!to) return yield* this.inner.scan(collection);
    for await (const doc of this.inner.scan(to.collection)) {
      const own = fieldOf(to.field, doc);
      if (own) yield own;
    }
  }

  updateOne(collection: string, filter: Record<string, unknown>, update: Update, upsert: boolean): Promise<UpdateOutcome> {
    if (this.shared[collection]) throw new Error(`${collection} is a field of a shared collection: write it through write()`);
    return this.inner.updateOne(collection, filter, update, upsert);
  }

  async deleteOne(collection: string, id: string): Promise<void> {
    const to = this.shared[collection];
    if (!to) return this.inner.deleteOne(collection, id);
    await this.oneAtATime(to, id, () => this.inner.updateOne(to.collection, { _id: id }, { $unset: { [to.field]: '' } }, false));
  }

  async ensureCollection(collection: string, spec: CollectionSpec): Promise<void> {
    const to = this.shared[collection];
    if (!to) return this.inner.ensureCollection(collection, spec);
    // a unique index would meet every document without the field as a duplicate null
    if (spec.indexes?.some((i) => i.unique)) throw new Error(`${collection}: a shared collection's field takes no unique index`);
    const indexes = spec.indexes?.map((i) => ({ ...i, key: prefixed(to.field, i.key), name: i.name && `${to.field}_${i.name}` }));
    await this.inner.ensureCollection(to.collection, { indexes });
  }

  /**
   * Takes the field out of every shared document (documents stay: another field may be written
   * meanwhile, and an empty one matches no reader). A collection of the same name stored before
   * the collection was shared is dropped too.
   */
  async dropCollection(collection: string): Promise<void> {
    await this.inner.dropCollection(collection);
    const to = this.shared[collection];
    if (!to) return;
    const ids: string[] = [];
    for await (const doc of this.inner.scan(to.collection)) if (doc[to.field] !== undefined) ids.push(String(doc._id));
    for (let i = 0; i < ids.length; i += WRITE_CONCURRENCY) await Promise.all(ids.slice(i, i + WRITE_CONCURRENCY).map((id) => this.deleteOne(collection, id)));
  }

  /** Into a shared collection's field (a rebuilt shadow copy switched in): the field replaced by the copy's documents, then the copy dropped. */
  async renameCollection(from: string, to: string): Promise<void> {
    if (this.shared[from]) throw new Error(`${from} is a field of a shared collection and cannot be renamed`);
    const into = this.shared[to];
    if (!into) return this.inner.renameCollection(from, to);
    await this.dropCollection(to);
    const docs: Doc[] = [];
    for await (const doc of this.inner.scan(from)) docs.push(doc);
    await this.insert(to, docs);
    await this.inner.dropCollection(from);
  }

  async listCollections(): Promise<string[]> {
    const inner = await this.inner.listCollections();
    const present = new Set(inner);
    return [...inner, ...Object.entries(this.shared).flatMap(([name, to]) => (present.has(to.collection) && !present.has(name) ? [name] : []))];
  }

  saveJournal(name: string, rounds: Round[]): Promise<JournalRef> {
    return this.inner.saveJournal(name, rounds);
  }

  loadJournal(name: string, ref: JournalRef): Promise<Round[]> {
    return this.inner.loadJournal(name, ref);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** One write to the field, with the field's guard, as the memory store applies a write to a document. */
  private writeField(to: SharedField, op: WriteOp): Promise<boolean> {
    return this.oneAtATime(to, op._id, () => this.readAndWriteField(to, op));
  }

  private async readAndWriteField(to: SharedField, op: WriteOp): Promise<boolean> {
    const before = fieldOf(to.field, await this.inner.findOne(to.collection, { _id: op._id }));
    const { doc, applied } = applyWrite(before, op);
    if (!applied) return false;
    if (doc) await this.putField(to, doc);
    else await this.inner.updateOne(to.collection, { _id: op._id }, { $unset: { [to.field]: '' } }, false);
    return true;
  }

  private async setField(to: SharedField, doc: Doc): Promise<void> {
    await this.oneAtATime(to, String(doc._id), () => this.putField(to, doc));
  }

  private async putField(to: SharedField, doc: Doc): Promise<void> {
    const { _id, ...own } = doc;
    await this.inner.updateOne(to.collection, { _id }, { $set: { [to.field]: own } }, true);
  }

  /** Runs `write` once every write queued before it on the same shared document has settled. */
  private oneAtATime<T>(to: SharedField, id: string, write: () => Promise<T>): Promise<T> {
    return this.turns.run([`${to.collection}/${id}`], write);
  }
}

/** The field of a shared document as a document of its own (`_id` and the field's contents); undefined without the field. */
function fieldOf(field: string, doc: Doc | undefined): Doc | undefined {
  const own = doc?.[field];
  return own === undefined || own === null ? undefined : { _id: doc!._id, ...(cloneValue(own) as Doc) };
}

function prefixed<T>(field: string, keys: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(keys).map(([k, v]) => [k === '_id' ? k : `${field}.${k}`, v]));
}

/** A filter on the field's documents as a filter on the shared collection: field paths prefixed; only documents holding the field. */
function scoped(field: string, filter: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(filter);
  if (keys.some((k) => k.startsWith('$'))) throw new Error(`a shared collection's field takes filters on fields only, not ${keys.join(', ')}`);
  return { [field]: { $exists: true }, ...prefixed(field, filter) };
}
