import { EventSchemas } from '@register/event-sourcing';
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
