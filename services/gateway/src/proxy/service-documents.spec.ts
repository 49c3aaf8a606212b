import type { OpenAPIObject } from '@nestjs/swagger';
import { ServiceClient } from './service-client';
import { PARTIAL_FOR_MS, ServiceDocuments, WHOLE_FOR_MS } from './service-documents';

const own: OpenAPIObject = { openapi: '3.0.0', info: { title: 'gateway', version: '1' }, paths: { '/api/v1/audit/events': {} } };
const documents: Record<string, OpenAPIObject> = {
  organisation: { ...own, paths: { '/api/v1/branches': {} } },
  personnel: { ...own, paths: { '/api/v1/members': {} } },
  training: { ...own, paths: { '/api/v1/training-courses': {} } },
  evaluation: { ...own, paths: { '/api/v1/ratings': {} } },
};

/** A ServiceClient whose services answer from `documents`, except those in `down` (and counts the reads). */
function servicesWith(down: Set<string>) {
  const reads: string[] = [];
  const read = jest.fn(async (service: string) => {
    reads.push(service);
    if (down.has(service)) throw new Error('502');
    return documents[service];
  });
  return { client: { read } as unknown as ServiceClient, reads };
}

describe('ServiceDocuments', () => {
  afterEach(() => jest.restoreAllMocks());

  it('asks the services once for callers at the same time, and again only once the whole document has been kept WHOLE_FOR_MS', async () => {
    const { client, reads } = servicesWith(new Set());
    const documents = new ServiceDocuments(client);
    const [first, second] = await Promise.all([documents.complete(own), documents.complete(own)]);
    expect(first).toBe(second);
    expect(Object.keys(first.paths).sort()).toEqual(['/api/v1/audit/events', '/api/v1/branches', '/api/v1/members', '/api/v1/ratings', '/api/v1/training-courses']);
    expect(reads).toHaveLength(4);
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + WHOLE_FOR_MS - 1000);
    await documents.complete(own);
    expect(reads).toHaveLength(4);
    jest.spyOn(Date, 'now').mockReturnValue(now + WHOLE_FOR_MS + 1000);
    await documents.complete(own);
    expect(reads).toHaveLength(8);
  });

  it('answers without a service that is down, with a note, and asks it again after PARTIAL_FOR_MS', async () => {
    const down = new Set(['training']);
    const { client, reads } = servicesWith(down);
    const documents = new ServiceDocuments(client);
    const partial = await documents.complete(own);
    expect(Object.keys(partial.paths)).not.toContain('/api/v1/training-courses');
    expect(partial.paths['/api/v1/audit/events']).toBeDefined();
    expect(partial).toHaveProperty('x-unavailable-services', ['training']);
    down.clear();
    jest.spyOn(Date, 'now').mockReturnValue(Date.now() + PARTIAL_FOR_MS + 1000);
    const whole = await documents.complete(own);
    expect(reads).toHaveLength(8);
    expect(Object.keys(whole.paths)).toContain('/api/v1/training-courses');
    expect(whole).not.toHaveProperty('x-unavailable-services');
  });
});
