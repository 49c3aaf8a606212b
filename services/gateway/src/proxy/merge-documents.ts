import { isDeepStrictEqual } from 'node:util';
import type { OpenAPIObject, OperationObject, PathItemObject } from '@nestjs/swagger';
import { API_PREFIX } from '@register/service-kit';
import { owningService, ServiceName } from './service-routes';

/**
 * The distributed gateway's whole document, made of its own and each service's (pure; fetched by
 * ServiceDocuments). A service's path is taken only if the gateway forwards it to that service
 * (owningService): what a client reads in the document is what the gateway answers. So no
 * `/api/v1/internal/…` path of a service (owningService knows none), nothing outside `/api/v1`
 * (health), and no path the gateway serves itself (its own description stays). Components
 * (schemas…) are merged by name: one the document has already, equal, is kept once (the Problem
 * and FieldError schemas every service shares); a different one under the same name is taken as
 * `<service>.<name>`, and that service's references follow. The security schemes are the
 * gateway's, kept once. See docs/openapi.md.
 */

export interface ServiceDocument {
  service: ServiceName;
  document: OpenAPIObject;
}

const PREFIX = `/${API_PREFIX}`;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;
type Components = Record<string, Record<string, unknown>>;

/** `own` with the services' parts added (none of the arguments is changed); `missing` names the services that gave no document. */
export function mergeDocuments(own: OpenAPIObject, parts: ServiceDocument[], missing: ServiceName[] = []): OpenAPIObject {
  const merged = structuredClone(own);
  merged.components ??= {};
  const operationIds = new Set(operationsOf(merged.paths).flatMap((o) => (o.operationId ? [o.operationId] : [])));
  for (const part of parts) addService(merged, part, operationIds);
  if (missing.length > 0) noteMissing(merged, missing);
  return merged;
}

function addService(merged: OpenAPIObject, { service, document }: ServiceDocument, operationIds: Set<string>) {
  const paths = Object.fromEntries(Object.entries(document.paths).filter(([path]) => forwardedTo(service, path) && !merged.paths[path]));
  const components = (document.components ?? {}) as Components;
  const target = merged.components as Components;
  const renames = renamesOf(service, components, target);
  const rewrite = <T>(value: T): T => rewriteRefs(structuredClone(value), renames);
  for (const [kind, entries] of Object.entries(components)) {
    if (kind === 'securitySchemes') continue; // the gateway's, the same in every app of the register
    for (const [name, value] of Object.entries(entries)) {
      const as = renames.get(`#/components/${kind}/${name}`)?.split('/').pop() ?? name;
      (target[kind] ??= {})[as] ??= rewrite(value);
    }
  }
  for (const [path, item] of Object.entries(paths)) {
    merged.paths[path] = rewrite(item);
    for (const operation of operationsOf({ [path]: merged.paths[path] })) {
      if (operation.operationId && operationIds.has(operation.operationId)) operation.operationId = `${service}.${operation.operationId}`;
      if (operation.operationId) operationIds.add(operation.operationId);
    }
  }
  addTags(merged, document.tags ?? []);
}

/** The gateway forwards `path` (as the document writes it, `{id}` and all) to `service`. */
function forwardedTo(service: ServiceName, path: string) {
  return path.startsWith(`${PREFIX}/`) && owningService(path.slice(PREFIX.length)) === service;
}

/**
 * The service's components that must take another name: those whose name the document already
 * gives to something else. Found again after each round, since a component that refers to a
 * renamed one differs from the document's, once its reference follows, even if it did not before.
 */
function renamesOf(service: ServiceName, components: Components, target: Components): Map<string, string> {
  const renames = new Map<string, string>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const [kind, entries] of Object.entries(components)) {
      if (kind === 'securitySchemes') continue;
      for (const [name, value] of Object.entries(entries)) {
        const ref = `#/components/${kind}/${name}`;
        const there = target[kind]?.[name];
        if (renames.has(ref) || there === undefined || isDeepStrictEqual(rewriteRefs(structuredClone(value), renames), there)) continue;
        renames.set(ref, `#/components/${kind}/${service}.${name}`);
        changed = true;
      }
    }
  }
  return renames;
}

/** Every `$ref` in `value` that `renames` names, pointed at the new name (in place). */
function rewriteRefs<T>(value: T, renames: Map<string, string>): T {
  if (Array.isArray(value)) value.forEach((v) => rewriteRefs(v, renames));
  else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const [key, v] of Object.entries(record)) {
      if (key === '$ref' && typeof v === 'string') record[key] = renames.get(v) ?? v;
      else rewriteRefs(v, renames);
    }
  }
  return value;
}

function operationsOf(paths: Record<string, PathItemObject>): OperationObject[] {
  return Object.values(paths).flatMap((item) => METHODS.map((m) => item[m]).filter((o): o is OperationObject => o !== undefined));
}

function addTags(merged: OpenAPIObject, tags: NonNullable<OpenAPIObject['tags']>) {
  for (const tag of tags) if (!(merged.tags ?? []).some((t) => t.name === tag.name)) (merged.tags ??= []).push(tag);
}

/** What a reader of a document without some services' routes is told, in the text and for a program (`x-unavailable-services`). */
function noteMissing(merged: OpenAPIObject, missing: ServiceName[]) {
  const note =
    `\n\n**Not complete right now**: the ${missing.join(', ')} service${missing.length > 1 ? 's' : ''} did not give ` +
    'their routes when this document was made (not reachable, or too slow), so those routes are not listed here; the gateway still ' +
    'forwards them when the service is back. Ask for the document again in a few seconds.';
  merged.info = { ...merged.info, description: `${merged.info.description ?? ''}${note}` };
  (merged as OpenAPIObject & { 'x-unavailable-services'?: string[] })['x-unavailable-services'] = [...missing];
}
