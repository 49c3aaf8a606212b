import { Injectable } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { OpenApiCompletion } from '@register/service-kit';
import { mergeDocuments, ServiceDocument } from './merge-documents';
import { ServiceClient } from './service-client';
import { ServiceName, serviceUrls } from './service-routes';

/** How long a whole document is served before the services are asked again: they change it only when deployed. */
export const WHOLE_FOR_MS = 60_000;
/** How long a document without some service's routes is served before that service is asked again. */
export const PARTIAL_FOR_MS = 5_000;
/** How long a service may take to give its document before the gateway answers without it. */
export const SERVICE_WAIT_MS = 3_000;

/**
 * The distributed gateway's /api/openapi.json and Swagger UI: its own routes (audit, reports) and
 * the routes of every service it forwards to (mergeDocuments), each service's document read from
 * the service's own /api/openapi.json when the document is first asked for, then kept a while.
 * A service that does not answer leaves the gateway's document without its routes, with a note
 * that says so (`x-unavailable-services`), rather than leave the caller without any document;
 * that answer is kept a few seconds only. Callers asking at the same time share one round.
 */
@Injectable()
export class ServiceDocuments extends OpenApiCompletion {
  private kept?: { until: number; document: Promise<OpenAPIObject> };

  constructor(private readonly services: ServiceClient) {
    super();
  }

  complete(own: OpenAPIObject): Promise<OpenAPIObject> {
    if (this.kept && this.kept.until > Date.now()) return this.kept.document;
    const kept = { until: Number.POSITIVE_INFINITY, document: this.gather(own) };
    this.kept = kept;
    kept.document.then(
      (document) => (kept.until = Date.now() + ('x-unavailable-services' in document ? PARTIAL_FOR_MS : WHOLE_FOR_MS)),
      () => (kept.until = 0), // the next caller asks again; this one gets the error
    );
    return kept.document;
  }

  private async gather(own: OpenAPIObject): Promise<OpenAPIObject> {
    const services = Object.keys(serviceUrls()) as ServiceName[];
    const documents = await Promise.all(services.map((service) => this.documentOf(service)));
    const parts = documents.map((document, i) => ({ service: services[i], document })).filter((p): p is ServiceDocument => p.document !== undefined);
    return mergeDocuments(own, parts, services.filter((_, i) => documents[i] === undefined));
  }

  /** The service's document, or undefined when it gives none in time (ServiceClient logs why). */
  private async documentOf(service: ServiceName): Promise<OpenAPIObject | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), SERVICE_WAIT_MS)));
    try {
      const document = await Promise.race([this.services.read<OpenAPIObject>(service, '/api/openapi.json').catch(() => undefined), late]);
      return typeof document?.paths === 'object' && document.paths !== null ? document : undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
