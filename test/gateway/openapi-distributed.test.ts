import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { OpenAPIObject, OperationObject } from '@nestjs/swagger';
import { API_PREFIX, createHttpApp, loadConfig, rootModuleOf } from '@register/service-kit';
import { EvaluationModule } from '../../services/evaluation/src/evaluation.module';
import { GatewayModule } from '../../services/gateway/src/gateway.module';
import { OrganisationModule } from '../../services/organisation/src/organisation.module';
import { PersonnelModule } from '../../services/personnel/src/personnel.module';
import { TrainingModule } from '../../services/training/src/training.module';
import { Distributed, startDistributed } from './distributed-app';

jest.setTimeout(180_000);

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;
const PROBLEM = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };

/** Each operation of a document, `POST /api/v1/branches`, with what it declares. */
function operationsOf(document: OpenAPIObject): Map<string, OperationObject> {
  return new Map(
    Object.entries(document.paths).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m] !== undefined).map((m): [string, OperationObject] => [`${m.toUpperCase()} ${path}`, item[m] as OperationObject]),
    ),
  );
}

/** Every `$ref` the document holds. */
function refsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsOf);
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => (key === '$ref' && typeof v === 'string' ? [v] : refsOf(v)));
}

/** The embedded start's document, as createHttpApp serves it at /api/openapi.json, with every service of the register. */
async function embeddedDocument(): Promise<OpenAPIObject> {
  const dataDir = mkdtempSync(join(tmpdir(), 'register-openapi-'));
  const config = loadConfig({ REGISTER_MODE: 'embedded', EVENT_STORE: 'pglite', DATA_DIR: dataDir });
  const app = await createHttpApp(rootModuleOf(config, [OrganisationModule, PersonnelModule, TrainingModule, EvaluationModule, GatewayModule]), { title: 'Union Register', logger: false });
  try {
    await app.init();
    const answer = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/api/openapi.json' });
    return JSON.parse(answer.body) as OpenAPIObject;
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The distributed gateway serves the whole API in /api/openapi.json and its Swagger UI: its own
 * routes and those of every service it forwards to, read from the services themselves, so that
 * a client (or "Try it out") finds every route it can call through the gateway.
 */
describe('OpenAPI document of the distributed gateway', () => {
  let d: Distributed;
  let base: string;
  let document: OpenAPIObject;

  beforeAll(async () => {
    process.env.REGISTER_RATE_PER_SEC ??= '100000';
    process.env.REGISTER_RATE_BURST ??= '100000';
    d = await startDistributed('openapi-distributed-test-secret-0123', [
      { module: TrainingModule, urlEnv: 'TRAINING_URL' },
      { module: EvaluationModule, urlEnv: 'EVALUATION_URL' },
    ]);
    base = (await d.gateway.getUrl()).replace('[::1]', '127.0.0.1');
    const answer = await fetch(`${base}/api/openapi.json`);
    expect(answer.status).toBe(200);
    document = (await answer.json()) as OpenAPIObject;
  });
  afterAll(async () => d?.close());

  it('holds the services\' routes with their security and problem responses, besides its own, and no internal path', () => {
    const operations = operationsOf(document);
    for (const key of ['POST /api/v1/branches', 'GET /api/v1/members', 'POST /api/v1/members', 'GET /api/v1/branches/{id}/officers', 'GET /api/v1/training-courses', 'GET /api/v1/ratings']) {
      const operation = operations.get(key);
      expect({ key, security: operation?.security }).toEqual({ key, security: [{ bearer: [] }, { 'api-key': [] }] });
      for (const status of ['400', '401', '403']) expect({ key, status, content: (operation?.responses[status] as { content?: unknown })?.content }).toEqual({ key, status, content: PROBLEM });
    }
    expect(operations.get('POST /api/v1/branches')?.responses['422']).toMatchObject({ content: PROBLEM });
    expect(operations.has('GET /api/v1/audit/events')).toBe(true);
    expect(Object.keys(document.paths).filter((p) => p.includes('/internal') || !p.startsWith(`/${API_PREFIX}/`))).toEqual([]);
    expect(document).not.toHaveProperty('x-unavailable-services');
  });

  it('keeps the security schemes and the Problem schema once, and every reference points at a component it holds', () => {
    expect(Object.keys(document.components?.securitySchemes ?? {}).sort()).toEqual(['api-key', 'bearer']);
    const schemas = Object.keys(document.components?.schemas ?? {});
    expect(schemas.filter((name) => /(^|\.)(Problem|FieldError)$/.test(name)).sort()).toEqual(['FieldError', 'Problem']);
    const dangling = refsOf(document).filter((ref) => {
      const [, , kind, name] = ref.split('/');
      return (document.components as Record<string, Record<string, unknown> | undefined>)?.[kind]?.[name] === undefined;
    });
    expect([...new Set(dangling)]).toEqual([]);
    const ids = [...operationsOf(document).values()].map((o) => o.operationId);
    expect(ids.length - new Set(ids).size).toBe(0);
  });

  it("declares the body of every success answer (a command's id, revision, position; a list's items, nextCursor; other media types offered), and a real answer holds it (the bodies were undeclared; found by black-box probes)", async () => {
    const content = (o: OperationObject, status: string) => Object.keys((o.responses[status] as { content?: Record<string, unknown> } | undefined)?.content ?? {});
    const undeclared = [...operationsOf(document)].flatMap(([key, o]) => Object.keys(o.responses).filter((status) => status.startsWith('2') && content(o, status).length === 0).map((status) => `${key} ${status}`));
    expect(undeclared).toEqual([]);
    // The other media types a read offers (Accept) are declared beside JSON.
    const operations = operationsOf(document);
    expect(content(operations.get('GET /api/v1/reports/units/{id}/summary')!, '200')).toEqual(expect.arrayContaining(['application/json', 'text/csv; charset=utf-8', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']));
    expect(content(operations.get('GET /api/v1/audit/exports')!, '200')).toEqual(['application/x-ndjson']);
    expect(content(operations.get('GET /api/v1/branches/{id}/officers')!, '200')).toEqual(['application/json', 'text/csv; charset=utf-8']);
    const lists = [...operationsOf(document)].filter(([key, o]) => key.startsWith('GET') && (o.parameters as Array<{ name: string }> | undefined)?.some((p) => p.name === 'cursor'));
    expect(lists.length).toBeGreaterThan(10);
    for (const [key, o] of lists) expect([key, content(o, '200')]).toEqual([key, expect.arrayContaining(['application/json', 'text/csv'])]);
    const schemas = document.components?.schemas as Record<string, { required?: string[] }>;
    const admin = { ...(await d.token({ sub: 'admin', roles: ['central-admin'] })), 'content-type': 'application/json' };
    const made = await fetch(`${base}/api/v1/units`, { method: 'POST', headers: admin, body: JSON.stringify({ id: 'oa-p', kind: 'province', parentId: 'tw', name: 'Tỉnh đoàn Điện Biên', reason: 'khởi tạo' }) });
    const listed = await fetch(`${base}/api/v1/branches?limit=5`, { headers: admin });
    expect(Object.keys((await made.json()) as object)).toEqual(expect.arrayContaining([...(schemas.CommandAnswer.required ?? []), 'id', 'revision']));
    expect(Object.keys((await listed.json()) as object)).toEqual(expect.arrayContaining(schemas.ListAnswer.required ?? []));
  });

  it('gives the Swagger UI the same whole document', async () => {
    const init = await (await fetch(`${base}/api/docs/swagger-ui-init.js`)).text();
    for (const path of ['/api/v1/branches', '/api/v1/members', '/api/v1/audit/events']) expect(init).toContain(`"${path}"`);
  });

  it('lists the operations the embedded start lists, each described alike, on the same schemas', async () => {
    const whole = await embeddedDocument();
    const embedded = operationsOf(whole);
    const distributed = operationsOf(document);
    expect([...distributed.keys()].sort()).toEqual([...embedded.keys()].sort());
    // Compared as JSON of this realm: fetch's answer was parsed in another (Jest runs tests in a VM context).
    const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? null));
    const differing = [...embedded].filter(([key, o]) => !isDeepStrictEqual(plain(o), plain(distributed.get(key)))).map(([key]) => key);
    expect(differing).toEqual([]);
    expect(document.components?.schemas).toEqual(whole.components?.schemas);
  });

  it('names only routes the gateway answers: "Try it out" on each reaches a route, none is the gateway\'s "no resource" or 405', async () => {
    const unrouted: string[] = [];
    for (const [key] of operationsOf(document)) {
      const [method, path] = key.split(' ');
      const url = `${base}${path.replace(/\{[^}]+\}/g, 'x-unknown-1')}`;
      const answer = await fetch(url, { method, headers: { ...d.admin, accept: 'application/json', 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}' });
      const text = await answer.text();
      if (answer.status === 405 || (answer.status === 404 && text.includes('no resource at'))) unrouted.push(`${key}: ${answer.status}`);
    }
    expect(unrouted).toEqual([]);
  });
});
