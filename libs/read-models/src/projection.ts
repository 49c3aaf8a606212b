import { DomainEvent, RecordedEvent } from '@register/event-sourcing';
import { Doc, POS, segments } from './document';
import { Update, UPDATE_OPERATORS } from './updater';

/**
 * A write to one document, addressed by its natural key `_id` (FerretDB on SQLite uses an index
 * for `{_id}` filters only, and the guard needs one document per operation).
 * - update: MongoDB update operators; `upsert` creates the document if it is missing.
 * - replace: the whole document (upsert unless `upsert: false`).
 * - delete.
 */
export type Operation<C extends string = string> =
  | { collection: C; _id: string; update: Update; upsert?: boolean }
  | { collection: C; _id: string; replace: Doc; upsert?: boolean }
  | { collection: C; _id: string; delete: true };

/** What a handler may return. */
export type Operations<C extends string = string> = Operation<C> | ReadonlyArray<Operation<C>> | undefined | void;

/** Read access to the projection's own documents, as its earlier events left them (see docs/read-models.md). */
export interface ProjectionReader<C extends string = string> {
  /**
   * The document, or undefined, with the effects of every earlier event. Read-only: a handler
   * says what changes through its operations, never by changing what it read (an initial load
   * hands out its own documents, not copies; under tests they are frozen, so a change throws).
   */
  read(collection: C, id: string): Promise<Doc | undefined>;
}

/** Pure: the same event and the same documents always give the same operations. No I/O besides `read`. */
export type ProjectionHandler<E extends DomainEvent = DomainEvent, C extends string = string> = (
  event: RecordedEvent<E>,
  reader: ProjectionReader<C>,
) => Operations<C> | Promise<Operations<C>>;

export interface IndexSpec {
  key: Record<string, 1 | -1>;
  unique?: boolean;
  name?: string;
}

export interface CollectionSpec {
  indexes?: IndexSpec[];
}

export interface ProjectionDefinition<E extends DomainEvent = DomainEvent, C extends string = string> {
  /** Unique within a service; also the prefix of its collections (`<name>.<collection>`). */
  name: string;
  /** Bump it when handlers change what they write: a running service then rebuilds the projection. */
  version: number;
  collections: Record<C, CollectionSpec>;
  handlers: { [T in E['type']]?: ProjectionHandler<Extract<E, { type: T }>, C> };
}

export type Projection<E extends DomainEvent = DomainEvent, C extends string = string> = Readonly<ProjectionDefinition<E, C>> & {
  /** The handler for a type, if the projection handles it. */
  handlerFor(type: string): ProjectionHandler<DomainEvent, C> | undefined;
};

/** Any projection, whatever its events and collections. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyProjection = Projection<any, string>;

const NAME = /^[a-z][a-z0-9-]*$/;

/** Declares a projection: data plus pure functions. Validates the declaration once, here. */
export function defineProjection<E extends DomainEvent = DomainEvent, C extends string = string>(definition: ProjectionDefinition<E, C>): Projection<E, C> {
  if (!NAME.test(definition.name)) throw new Error(`projection name ${definition.name}: lower-case letters, digits and dashes`);
  if (!Number.isInteger(definition.version) || definition.version < 1) throw new Error(`projection ${definition.name}: version must be a positive integer`);
  for (const c of Object.keys(definition.collections)) {
    if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(c)) throw new Error(`projection ${definition.name}: bad collection name ${c}`);
  }
  // A Map, not the object: an event's type is a string fresh from the log, which a property lookup
  // would first have to intern (measured: most of handlerFor's cost in a rebuild's fold).
  const handlers = new Map(Object.entries(definition.handlers as Record<string, ProjectionHandler<DomainEvent, C> | undefined>).filter(([, h]) => h !== undefined));
  return Object.freeze({ ...definition, handlerFor: (type: string) => handlers.get(type) });
}

/** Shorthands for handlers: `op.upsert('branches', id, { $inc: { members: 1 } })`. */
export const op = {
  upsert: <C extends string>(collection: C, _id: string, update: Update): Operation<C> => ({ collection, _id, update, upsert: true }),
  update: <C extends string>(collection: C, _id: string, update: Update): Operation<C> => ({ collection, _id, update }),
  replace: <C extends string>(collection: C, _id: string, doc: Doc): Operation<C> => ({ collection, _id, replace: doc }),
  delete: <C extends string>(collection: C, _id: string): Operation<C> => ({ collection, _id, delete: true }),
};

export class ProjectionError extends Error {
  constructor(
    readonly projection: string,
    readonly event: Pick<RecordedEvent, 'type' | 'position' | 'eventId'> | undefined,
    message: string,
  ) {
    super(`projection ${projection}${event ? ` at ${event.type}@${event.position}` : ''}: ${message}`);
    this.name = 'ProjectionError';
  }
}

/** Refuses what MongoDB would refuse, so that both stores fail alike, and what would break the guard. */
export function checkOperation(projection: AnyProjection, operation: Operation): string | undefined {
  if (!Object.hasOwn(projection.collections, operation.collection)) return `unknown collection ${operation.collection}`;
  if (typeof operation._id !== 'string' || operation._id === '') return `_id must be a non-empty string`;
  if ('update' in operation) return checkUpdate(operation.update);
  if ('replace' in operation) {
    if (Object.hasOwn(operation.replace, POS)) return `${POS} is the runner's`;
    if (Object.hasOwn(operation.replace, '_id') && operation.replace._id !== operation._id) return 'replace: _id differs';
  }
  return undefined;
}

function checkUpdate(update: Update): string | undefined {
  const seen: string[] = [];
  for (const operator in update) {
    if (!OPERATORS.has(operator)) return `unsupported update operator ${operator}`;
    for (const path in update[operator as keyof Update]!) {
      const problem = pathProblem(path);
      if (problem) return problem;
      for (const s of seen) if (overlap(s, path)) return `conflicting paths at ${path}`;
      seen.push(path);
    }
  }
  return undefined;
}

const OPERATORS = new Set<string>(UPDATE_OPERATORS);
const pathProblems = new Map<string, string | undefined>();

/** What is wrong with a field path on its own, cached: projections reuse a handful of paths for every event. */
function pathProblem(path: string): string | undefined {
  if (pathProblems.has(path)) return pathProblems.get(path);
  const keys = segments(path);
  let problem: string | undefined;
  if (keys[0] === '_id' || keys[0] === POS) problem = `${path} may not be updated`;
  else if (keys.some((k) => k === '' || k.startsWith('$'))) problem = `bad field path ${path}`;
  if (pathProblems.size < 10_000) pathProblems.set(path, problem);
  return problem;
}

/** The same field, or one inside the other (`a` and `a.b`). */
function overlap(a: string, b: string): boolean {
  if (a.length === b.length) return a === b;
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  return long.charCodeAt(short.length) === 46 /* . */ && long.startsWith(short);
}
