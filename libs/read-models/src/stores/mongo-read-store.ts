import mongoose, { Connection, mongo } from 'mongoose';
import { compareIds, Doc, POS } from '../document';
import { CollectionSpec } from '../projection';
import { FindOptions, JournalRef, ReadStore, Round, UpdateOutcome, WriteOp } from '../read-store';
import { JOURNAL } from '../naming';
import { Update } from '../updater';
import { CollectionNames } from './mongo-names';

type AnyBulkOp = mongo.AnyBulkWriteOperation<mongo.Document>;
const DUPLICATE_KEY = 11000;
const NAMESPACE_NOT_FOUND = 26;
const INVALID_NAMESPACE = 73;
/** Journal chunk size in characters: far below the 16 MB document limit even for 3-byte UTF-8. */
const JOURNAL_CHUNK = 2_000_000;
/** The largest journal kept in the state document (renewals rewrite it while a batch is pending). */
const JOURNAL_INLINE = 16_000;
/** Writes per bulkWrite call: FerretDB runs a bulk statement by statement, so huge calls gain nothing. */
const BULK_CHUNK = 1000;

/**
 * Read models on MongoDB through mongoose's connection and the native driver's collections
 * (projections write MongoDB update documents, which mongoose models would only get in the way of).
 *
 * The guard: on MongoDB every write filters `{_id, _pos: {$lt: pos}}` (the `_id` index finds the
 * document, the `_pos` test is free) and an upsert that meets a duplicate `_id` means "already
 * applied". FerretDB v1 on SQLite uses the index only for a filter that is exactly `{_id}`, and a
 * `_pos` condition makes every write scan the collection (measured: 17 ms a write at 20 000
 * documents, against 0.3 ms): there, unguarded writes filter `{_id}` only (the runner's invariant
 * makes the guard hold) and guarded ones (recovering a batch) read each document's `_pos` first.
 */
export class MongoReadStore implements ReadStore {
  private constructor(
    readonly connection: Connection,
    readonly kind: 'mongodb' | 'ferretdb',
    private readonly names: CollectionNames,
  ) {}

  static async connect(url: string, dbName: string): Promise<MongoReadStore> {
    const connection = await mongoose.createConnection(url, { dbName, serverSelectionTimeoutMS: 10_000 }).asPromise();
    const info = await connection.db!.admin().command({ buildInfo: 1 });
    return new MongoReadStore(connection, info.ferretdbVersion ? 'ferretdb' : 'mongodb', await CollectionNames.of(connection.db!));
  }

  private get db(): mongo.Db {
    return this.connection.db!;
  }

  /** A collection by its logical name (`<projection>.<collection>`). */
  private coll(name: string): mongo.Collection {
    return this.db.collection(this.names.physical(name));
  }

  async write(collection: string, ops: readonly WriteOp[], guarded: boolean): Promise<{ applied: number }> {
    if (this.kind === 'mongodb') return this.writeFiltered(collection, ops);
    const todo = guarded ? await this.behind(collection, ops) : ops;
    for (let i = 0; i < todo.length; i += BULK_CHUNK) {
      // an insert is a fraction of an update's cost on FerretDB (no lookup); a document that is
      // there after all fails the batch with a duplicate key, and the recovery replaces it guarded
      const chunk = todo.slice(i, i + BULK_CHUNK).map((o) => (!guarded && 'insert' in o && o.insert ? { insertOne: { document: { _id: o._id, ...o.replace, [POS]: o.pos } } } : toBulk(o, { _id: o._id })));
      await this.coll(collection).bulkWrite(chunk as AnyBulkOp[], { ordered: false });
    }
    return { applied: todo.length };
  }

  /** Two calls in flight: the server converts one chunk while the next is encoded and sent. */
  async insert(collection: string, docs: Iterable<Doc>): Promise<void> {
    const target = this.coll(collection);
    const inFlight = new Set<Promise<unknown>>();
    let chunk: Doc[] = [];
    const send = async () => {
      const sent = target.insertMany(chunk, { ordered: false });
      chunk = [];
      inFlight.add(sent);
      void sent.finally(() => inFlight.delete(sent)).catch(() => undefined);
      if (inFlight.size >= 2) await Promise.race(inFlight);
    };
    for (const doc of docs) {
      chunk.push(doc);
      if (chunk.length === BULK_CHUNK) await send();
    }
    if (chunk.length) await send();
    await Promise.all(inFlight);
  }

  /** MongoDB: the guard in the filter; a duplicate _id on upsert is a write already applied. */
  private async writeFiltered(collection: string, ops: readonly WriteOp[]): Promise<{ applied: number }> {
    let applied = 0;
    for (let i = 0; i < ops.length; i += BULK_CHUNK) {
      const chunk = ops.slice(i, i + BULK_CHUNK);
      try {
        const r = await this.coll(collection).bulkWrite(chunk.map((o) => toBulk(o, { _id: o._id, [POS]: { $lt: o.pos } })), { ordered: false });
        applied += r.modifiedCount + r.upsertedCount + r.deletedCount;
      } catch (error) {
        if (!(error instanceof mongo.MongoBulkWriteError)) throw error;
        for (const e of [error.writeErrors].flat()) {
          if (e.code !== DUPLICATE_KEY || !(await this.isAhead(collection, chunk[e.index]))) throw error;
        }
        applied += error.result.modifiedCount + error.result.upsertedCount + error.result.deletedCount;
      }
    }
    return { applied };
  }

  /** The writes whose documents are behind them: reads `_pos` by `_id`, the one fast lookup on FerretDB. */
  private async behind(collection: string, ops: readonly WriteOp[]): Promise<WriteOp[]> {
    const keep: WriteOp[] = [];
    for (let i = 0; i < ops.length; i += 16) {
      const chunk = ops.slice(i, i + 16);
      const ahead = await Promise.all(chunk.map((o) => this.isAhead(collection, o)));
      chunk.forEach((o, k) => ahead[k] || keep.push(o));
    }
    return keep;
  }

  private async isAhead(collection: string, op: WriteOp): Promise<boolean> {
    const doc = await this.coll(collection).findOne({ _id: op._id as never }, { projection: { [POS]: 1 } });
    return typeof doc?.[POS] === 'number' && doc[POS] >= op.pos;
  }

  async find(collection: string, filter: Record<string, unknown> = {}, options: FindOptions = {}): Promise<Doc[]> {
    const cursor = this.coll(collection).find(filter, { projection: options.fields, sort: options.sort, skip: options.skip, limit: options.limit });
    return (await cursor.toArray()) as Doc[];
  }

  async findOne(collection: string, filter: Record<string, unknown>): Promise<Doc | undefined> {
    return ((await this.coll(collection).findOne(filter)) as Doc | null) ?? undefined;
  }

  /**
   * FerretDB v1 counts by reading and decoding every document; with no filter it is asked for the
   * collection's statistics instead, whose count (SQLite's own, of the table's rows) is exact and
   * costs a fraction of that.
   */
  async count(collection: string, filter: Record<string, unknown> = {}): Promise<number> {
    if (this.kind === 'ferretdb' && Object.keys(filter).length === 0) return this.countAll(collection);
    return this.coll(collection).countDocuments(filter);
  }

  private async countAll(collection: string): Promise<number> {
    const [stats] = await this.coll(collection).aggregate<{ count?: number }>([{ $collStats: { count: {} } }]).toArray().catch(ignoreCode(NAMESPACE_NOT_FOUND, []));
    return stats?.count ?? 0;
  }

  async *scan(collection: string): AsyncIterable<Doc> {
    let previous: string | undefined;
    for await (const doc of this.coll(collection).find({}).sort({ _id: 1 }).batchSize(1000)) {
      const id = String(doc._id);
      if (previous !== undefined && compareIds(previous, id) >= 0) throw new Error(`${collection}: _id order differs from compareIds at ${id}`);
      previous = id;
      yield doc as Doc;
    }
  }

  async updateOne(collection: string, filter: Record<string, unknown>, update: Update, upsert: boolean): Promise<UpdateOutcome> {
    try {
      const r = await this.coll(collection).updateOne(filter, update as mongo.UpdateFilter<mongo.Document>, { upsert });
      return r.upsertedCount ? 'inserted' : r.matchedCount ? 'matched' : 'none';
    } catch (error) {
      if ((error as { code?: number }).code === DUPLICATE_KEY) return 'none';
      throw error;
    }
  }

  async deleteOne(collection: string, id: string): Promise<void> {
    await this.coll(collection).deleteOne({ _id: id as never });
  }

  async ensureCollection(collection: string, spec: CollectionSpec): Promise<void> {
    const exists = (await this.db.listCollections({ name: this.names.physical(collection) }, { nameOnly: true }).toArray()).length > 0;
    if (!exists) await this.db.createCollection(this.names.physical(collection)).catch(ignoreCode(48)); // 48: created meanwhile
    for (const index of spec.indexes ?? []) {
      // An absent option must stay absent: the driver would send `unique: null`, which FerretDB refuses.
      await this.coll(collection).createIndex(index.key, { ...(index.unique !== undefined ? { unique: index.unique } : {}), ...(index.name ? { name: index.name } : {}) });
    }
  }

  async dropCollection(collection: string): Promise<void> {
    await this.coll(collection).drop().catch(ignoreCode(NAMESPACE_NOT_FOUND));
  }

  /**
   * FerretDB v1 has no `dropTarget`: there the target is dropped first, and is missing for a moment.
   * Nor does it rename a collection whose name holds a dot (it splits `db.collection` at every dot):
   * in a database whose layout keeps dotted names (mongo-names.ts) the documents are copied and the
   * source dropped last, so that a switch-in interrupted halfway is finished by doing it again.
   */
  async renameCollection(from: string, to: string): Promise<void> {
    if (this.kind === 'mongodb') {
      await this.db.renameCollection(this.names.physical(from), this.names.physical(to), { dropTarget: true });
      return;
    }
    await this.dropCollection(to);
    try {
      await this.db.renameCollection(this.names.physical(from), this.names.physical(to));
    } catch (error) {
      if ((error as { code?: number }).code !== INVALID_NAMESPACE) throw error;
      await this.copyCollection(from, to);
    }
  }

  private async copyCollection(from: string, to: string): Promise<void> {
    const source = this.coll(from);
    const target = this.coll(to);
    await this.db.createCollection(this.names.physical(to)).catch(ignoreCode(48));
    for (const index of await source.listIndexes().toArray()) {
      if (index.name !== '_id_') await target.createIndex(index.key, { name: index.name, ...(index.unique ? { unique: true } : {}) });
    }
    let chunk: mongo.Document[] = [];
    for await (const doc of source.find({}).batchSize(BULK_CHUNK)) {
      chunk.push(doc);
      if (chunk.length < BULK_CHUNK) continue;
      await target.insertMany(chunk, { ordered: false });
      chunk = [];
    }
    if (chunk.length) await target.insertMany(chunk, { ordered: false });
    await this.dropCollection(from);
  }

  async listCollections(): Promise<string[]> {
    const physical = (await this.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    return physical.map((name) => this.names.logical(name)).filter((name): name is string => name !== undefined);
  }

  /** EJSON keeps dates and numbers exact; as a string, since MongoDB forbids `$` keys such as `$inc` in stored documents. */
  async saveJournal(name: string, rounds: Round[]): Promise<JournalRef> {
    const text = mongo.BSON.EJSON.stringify(rounds, { relaxed: true });
    // a small journal rides in the state document's `pending`, saved anyway: FerretDB writes each document alone
    if (text.length <= JOURNAL_INLINE) return { chunks: 0, text };
    const chunks = Math.max(1, Math.ceil(text.length / JOURNAL_CHUNK));
    const ops = Array.from({ length: chunks }, (_, k) => ({
      replaceOne: { filter: { _id: `${name}#${k}` as never }, replacement: { text: text.slice(k * JOURNAL_CHUNK, (k + 1) * JOURNAL_CHUNK) }, upsert: true },
    }));
    await this.coll(JOURNAL).bulkWrite(ops, { ordered: true });
    return { chunks };
  }

  async loadJournal(name: string, { chunks, text: inline }: JournalRef): Promise<Round[]> {
    if (inline !== undefined) return mongo.BSON.EJSON.parse(inline, { relaxed: true }) as Round[];
    let text = '';
    for (let k = 0; k < chunks; k++) {
      const doc = await this.coll(JOURNAL).findOne({ _id: `${name}#${k}` as never });
      if (!doc) throw new Error(`journal chunk ${name}#${k} is missing`);
      text += doc.text as string;
    }
    return mongo.BSON.EJSON.parse(text, { relaxed: true }) as Round[];
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}

function toBulk(op: WriteOp, filter: Record<string, unknown>): AnyBulkOp {
  if ('delete' in op) return { deleteOne: { filter } };
  if ('replace' in op) return { replaceOne: { filter, replacement: { ...op.replace, [POS]: op.pos }, upsert: op.upsert } };
  const update = { ...op.update, $set: { ...op.update.$set, [POS]: op.pos } } as mongo.UpdateFilter<mongo.Document>;
  return { updateOne: { filter, update, upsert: op.upsert } };
}

function ignoreCode<T = void>(code: number, value?: T) {
  return (error: unknown): T => {
    if ((error as { code?: number }).code !== code) throw error;
    return value as T;
  };
}
