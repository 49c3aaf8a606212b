import { EventSchemas, EventStore } from '@register/event-sourcing';
import { AnyProjection } from './projection';

export interface RegisteredProjection {
  service: string;
  projection: AnyProjection;
  /** The service's event schemas, so that a rebuild reads events upcast as the service does. */
  schemas?: EventSchemas;
}

const registered = new Map<string, RegisteredProjection>();

/**
 * The projections of each service, for tools that run outside the service (the rebuild CLI).
 * A service registers them where it declares them (by convention in `services/<name>/src/projections.ts`).
 */
export function registerProjection(service: string, projection: AnyProjection, options: { schemas?: EventSchemas } = {}): void {
  const key = `${service}/${projection.name}`;
  const existing = registered.get(key);
  if (existing && existing.projection !== projection) throw new Error(`projection ${key} is registered twice`);
  registered.set(key, { service, projection, schemas: options.schemas ?? existing?.schemas });
}

export function registerProjections(service: string, list: AnyProjection[], options: { schemas?: EventSchemas } = {}): void {
  for (const projection of list) registerProjection(service, projection, options);
}

/** Registered projections, of one service or of all. */
export function projections(service?: string): RegisteredProjection[] {
  return [...registered.values()].filter((r) => service === undefined || r.service === service);
}

/** A SQL connection to the service's database, for what its log reader needs beside the log (a key table). */
export interface LogReaderSql {
  query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

/** How a service reads its own log when that is not as stored (personnel: personal data opened with the member keys). */
export type LogReader = (stored: EventStore, sql: LogReaderSql) => EventStore;

const readers = new Map<string, LogReader>();

/**
 * Registered beside the service's projections: the rebuild CLI reads the log through it, so that a
 * rebuild sees the events the service's projections see (a rebuild from sealed events differs).
 */
export function registerLogReader(service: string, reader: LogReader): void {
  readers.set(service, reader);
}

export function logReaderOf(service: string): LogReader | undefined {
  return readers.get(service);
}
