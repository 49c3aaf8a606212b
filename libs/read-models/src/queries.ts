import { HttpException, HttpStatus } from '@nestjs/common';
import { Doc, POS } from './document';
import { Target } from './naming';
import { AnyProjection, Projection } from './projection';
import { FindOptions, ReadStore } from './read-store';
import { ProjectionRunner } from './runner';

/** The read model has not reached the position the client asked for within the wait (HTTP 503, retry). */
export class ReadModelBehind extends HttpException {
  constructor(projection: string, minPosition: number, position: number) {
    super(`the read model ${projection} is at position ${position}, not yet at ${minPosition}; retry shortly`, HttpStatus.SERVICE_UNAVAILABLE);
  }
}

export interface PageRequest {
  /** One field to sort by (then by _id); it should be present in every document. */
  sort?: Record<string, 1 | -1>;
  limit?: number;
  cursor?: string;
}

export interface Page {
  items: Doc[];
  nextCursor: string | null;
}

/** Queries on one collection of a projection's live copy; results come without the `_pos` bookkeeping. */
export class CollectionQueries {
  constructor(
    private readonly store: ReadStore,
    readonly name: string,
  ) {}

  async find(filter: Record<string, unknown> = {}, options: FindOptions = {}): Promise<Doc[]> {
    return (await this.store.find(this.name, filter, options)).map(withoutPos);
  }

  async findOne(filter: Record<string, unknown>): Promise<Doc | undefined> {
    const doc = await this.store.findOne(this.name, filter);
    return doc && withoutPos(doc);
  }

  /** By natural key: the fast lookup on every store. */
  get(id: string): Promise<Doc | undefined> {
    return this.findOne({ _id: id });
  }

  count(filter: Record<string, unknown> = {}): Promise<number> {
    return this.store.count(this.name, filter);
  }

  /** api.md's lists: `{ items, nextCursor }`, keyset-paged on (sort field, _id), so pages stay stable while documents are added. */
  async page(filter: Record<string, unknown>, request: PageRequest = {}): Promise<Page> {
    const limit = Math.min(Math.max(request.limit ?? 50, 1), 500);
    const [field, direction] = Object.entries(request.sort ?? {})[0] ?? ['_id', 1];
    const after = request.cursor ? (JSON.parse(Buffer.from(request.cursor, 'base64url').toString()) as [unknown, string]) : undefined;
    const op = direction === 1 ? '$gt' : '$lt';
    const keyset = !after ? {} : field === '_id' ? { _id: { [op]: after[1] } } : { $or: [{ [field]: { [op]: after[0] } }, { [field]: after[0], _id: { [op]: after[1] } }] };
    const sort = field === '_id' ? { _id: direction } : { [field]: direction, _id: direction };
    const docs = await this.find(after ? { $and: [filter, keyset] } : filter, { sort, limit: limit + 1 });
    const items = docs.slice(0, limit);
    const last = items[items.length - 1];
    const nextCursor = docs.length > limit && last ? Buffer.from(JSON.stringify([last[field], last._id])).toString('base64url') : null;
    return { items, nextCursor };
  }
}

/** A projection's live copy for controllers: its collections and `waitFor(minPosition)`. */
export class ProjectionQueries<C extends string = string> {
  constructor(
    readonly projection: Projection<never, C> | AnyProjection,
    private readonly store: ReadStore,
    private readonly target: Target,
    private readonly runner: ProjectionRunner,
    private readonly defaultWaitMs = 3000,
    /** The other services' logs this process follows, waited for up to a position (service-kit's UpstreamLogs). */
    private readonly upstream?: (position: number, deadline: number) => Promise<'none' | 'settled' | 'behind'>,
  ) {}

  collection(name: C): CollectionQueries {
    if (!Object.hasOwn(this.projection.collections, name)) throw new Error(`projection ${this.projection.name} has no collection ${name}`);
    return new CollectionQueries(this.store, this.target.collection(name));
  }

  get position(): number {
    return this.runner.position;
  }

  /** True once every event up to `minPosition` is in the read model (no position: true at once). */
  async waitFor(minPosition: number | undefined, timeoutMs = this.defaultWaitMs): Promise<boolean> {
    return minPosition === undefined || minPosition <= 0 || this.runner.waitFor(minPosition, timeoutMs);
  }

  /**
   * Like waitFor, but a read model still behind is a ReadModelBehind (503) rather than a stale
   * answer. Positions are per log, and a client passes on the one a command of any service
   * answered: when another log this process follows could hold it, the read waits for that log to
   * have reached this process up to it, and then for this log's head, which holds the reactions
   * (docs/openapi.md). A position beyond every log's head waits for this log's head, at once if it
   * has it (it was a 400 that broke such clients).
   */
  async require(minPosition: number | undefined, timeoutMs = this.defaultWaitMs): Promise<this> {
    return this.requireFrom(minPosition, timeoutMs, this.upstream);
  }

  /**
   * Like require, for a position of this log alone: a command path or a consumer's reaction that
   * waits for the copy to reflect its own log. It never waits for other services' logs: a consumer
   * waiting for its own topics to be handled would wait for itself.
   */
  async requireOwn(position: number, timeoutMs = this.defaultWaitMs): Promise<this> {
    return this.requireFrom(position, timeoutMs, undefined);
  }

  private async requireFrom(minPosition: number | undefined, timeoutMs: number, upstream: ProjectionQueries['upstream']): Promise<this> {
    if (minPosition === undefined || minPosition <= 0) return this;
    const deadline = Date.now() + timeoutMs;
    const settled = upstream ? await upstream(minPosition, deadline) : 'none';
    if (settled === 'behind') throw new ReadModelBehind(this.projection.name, minPosition, this.runner.position);
    let wanted = minPosition;
    // The head is read only when it is wanted: reads of one's own write cost nothing more.
    if (settled === 'settled') wanted = await this.runner.source.headPosition();
    else if (wanted > this.runner.position) wanted = Math.min(wanted, await this.runner.source.headPosition());
    const left = upstream ? Math.max(0, deadline - Date.now()) : timeoutMs;
    if (!(await this.waitFor(wanted, left))) throw new ReadModelBehind(this.projection.name, wanted, this.runner.position);
    return this;
  }
}

function withoutPos(doc: Doc): Doc {
  const { [POS]: _pos, ...rest } = doc;
  return rest;
}
