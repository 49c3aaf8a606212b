import type { OpenAPIObject } from '@nestjs/swagger';
import { mergeDocuments } from './merge-documents';

const PROBLEM = { type: 'object', properties: { type: { type: 'string' } } };
const SECURITY = { bearer: { type: 'http', scheme: 'bearer' }, 'api-key': { type: 'apiKey', in: 'header', name: 'X-Api-Key' } } as const;

function documentOf(paths: OpenAPIObject['paths'], schemas: Record<string, object> = {}): OpenAPIObject {
  return { openapi: '3.0.0', info: { title: 't', version: '1', description: 'The register.' }, paths, components: { schemas: { Problem: PROBLEM, ...schemas }, securitySchemes: { ...SECURITY } } };
}

const read = (schema: string, operationId = 'Read') => ({ get: { operationId, responses: { 200: { description: '', content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } } } } } });

describe('mergeDocuments', () => {
  const own = documentOf({ '/api/v1/audit/events': read('Problem', 'AuditController_events') });

  it('adds the paths the gateway forwards to each service, and none that is internal, outside /api/v1 or forwarded elsewhere', () => {
    const organisation = documentOf({
      '/api/v1/branches': read('Problem'),
      '/api/v1/internal/logs/{service}/events': read('Problem', 'Internal'),
      '/health/live': read('Problem', 'Live'),
      '/api/v1/members': read('Problem', 'NotOrganisations'),
    });
    const merged = mergeDocuments(own, [{ service: 'organisation', document: organisation }]);
    expect(Object.keys(merged.paths).sort()).toEqual(['/api/v1/audit/events', '/api/v1/branches']);
    expect(own.paths['/api/v1/branches']).toBeUndefined();
  });

  it('keeps a schema equal to one it has once, and takes a different one under the service\'s name, its references following', () => {
    const personnel = documentOf(
      { '/api/v1/members': read('MemberView'), '/api/v1/members/{id}': read('Page', 'ReadOne') },
      { Page: { type: 'object', properties: { items: { type: 'array', items: { $ref: '#/components/schemas/MemberView' } } } }, MemberView: { type: 'object', properties: { memberId: { type: 'string' } } } },
    );
    const organisation = documentOf(
      { '/api/v1/branches': read('Page') },
      { Page: { type: 'object', properties: { items: { type: 'array', items: { $ref: '#/components/schemas/MemberView' } } } }, MemberView: { type: 'object', properties: { branchId: { type: 'string' } } } },
    );
    const merged = mergeDocuments(own, [{ service: 'personnel', document: personnel }, { service: 'organisation', document: organisation }]);
    const schemas = merged.components?.schemas ?? {};
    expect(Object.keys(schemas).sort()).toEqual(['MemberView', 'Page', 'Problem', 'organisation.MemberView', 'organisation.Page']);
    // Page only differs once its reference follows the renamed MemberView.
    expect(schemas['organisation.Page']).toEqual({ type: 'object', properties: { items: { type: 'array', items: { $ref: '#/components/schemas/organisation.MemberView' } } } });
    expect(JSON.stringify(merged.paths['/api/v1/branches'])).toContain('#/components/schemas/organisation.Page');
    expect(JSON.stringify(merged.paths['/api/v1/members'])).toContain('#/components/schemas/MemberView');
    expect(merged.components?.securitySchemes).toEqual(SECURITY);
  });

  it('keeps each operationId once, prefixing a service\'s that the document already has', () => {
    const organisation = documentOf({ '/api/v1/branches': read('Problem', 'AuditController_events') });
    const merged = mergeDocuments(own, [{ service: 'organisation', document: organisation }]);
    expect(merged.paths['/api/v1/branches'].get?.operationId).toBe('organisation.AuditController_events');
  });

  it('says which services gave no routes, in the text and in x-unavailable-services', () => {
    const merged = mergeDocuments(own, [], ['training', 'evaluation']);
    expect(merged.info.description).toMatch(/^The register\.\n\n\*\*Not complete right now\*\*: the training, evaluation services did not give/);
    expect(merged).toHaveProperty('x-unavailable-services', ['training', 'evaluation']);
    expect(mergeDocuments(own, [])).not.toHaveProperty('x-unavailable-services');
  });
});
