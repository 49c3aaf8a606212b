import { applyDecorators, INestApplication, RequestMethod } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { ApiQuery, ApiResponse, DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { OperationObject, ParameterObject, PathItemObject, ResponseObject } from '@nestjs/swagger';
import { AS_OF_PROPERTY, KNOWN_AT_PROPERTY } from './as-of';
import { ID_PATTERN } from './fields';
import { declareEitherOf, declareValidationConstraints } from './openapi-constraints';

/**
 * The OpenAPI document every HTTP app of the register serves (/api/openapi.json, the UI at
 * /api/docs), made to tell the truth about what the register answers: see docs/openapi.md.
 * Controllers declare what only they know (their own problems: @ProblemResponses); what every
 * route of the register shares (security, the problems of authentication, validation, rate,
 * commands' headers and refusals, reads' waiting) is added here, once, by `describeRegister`.
 */

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';
const PROBLEM_REF = '#/components/schemas/Problem';
const PREFIX = '/api/v1/';

/** What each problem status means on this API: the text a person reads in the UI. */
const PROBLEM_MEANINGS: Record<number, string> = {
  400: 'The request is not valid: `errors` names each field and the rule it broke (`rule`); nothing was written',
  401: 'No caller: a bearer token or an `X-Api-Key` is missing, expired or not one of this register',
  403: 'The caller may not do this, or not here (outside the role\'s scope); the problem names the permission',
  404: 'Nothing with this id (or an entity the request names does not exist)',
  405: 'The path exists but not with this method: the `Allow` header lists the methods it takes',
  409: 'The change conflicts with the register as it is now (`rule` says how: someone changed it first, `expected-revision`; a duplicate)',
  412: 'The entity is no longer at the version `If-Match` named',
  413: 'The body is larger than the register accepts',
  415: 'The body is not `application/json`',
  422: 'A rule of the register refused the change, or a read (`not-after-now`: an instant to come): `rule` names it, other fields say what it saw (`idempotency-key-reused`: the Idempotency-Key was sent before with another request)',
  429: 'Too many requests from this caller: wait as `Retry-After` says',
  502: 'The service that owns this route answered with something the gateway could not use',
  503: 'Not ready: a read model has not caught up with `minPosition` in time, or the owning service is not reachable; retry',
};

/** The problem responses a route answers beyond those the register adds to every route of its kind. */
export function ProblemResponses(...statuses: number[]) {
  return applyDecorators(...statuses.map((status) => ApiResponse({ status, ...problemResponse(status) })));
}

/** `asOf` and `knownAt` (parseAsOfKnownAt) on a read that takes them as single @Query params rather than in its query DTO. */
export const ApiAsOf = () =>
  applyDecorators(
    ApiQuery({ name: 'asOf', required: false, description: AS_OF_PROPERTY.description, schema: { type: 'string', pattern: AS_OF_PROPERTY.pattern } }),
    ApiQuery({ name: 'knownAt', required: false, description: KNOWN_AT_PROPERTY.description, schema: { type: 'string', pattern: KNOWN_AT_PROPERTY.pattern } }),
  );

function problemResponse(status: number): ResponseObject {
  return { description: PROBLEM_MEANINGS[status] ?? 'A problem (RFC 9457)', content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: PROBLEM_REF } } } };
}

/**
 * What an app adds to its own document each time the document is asked for, when what it serves
 * is not all its own: the distributed gateway adds the routes of the services it forwards to
 * (services/gateway/src/proxy/service-documents.ts). An app provides it as a Nest provider.
 */
export abstract class OpenApiCompletion {
  /** The whole document: `own` (the app's, left unchanged) with what the app adds to it. */
  abstract complete(own: OpenAPIObject): Promise<OpenAPIObject>;
}

/** Builds the document of `app` and serves it with the UI (completed on each request, if the app provides an OpenApiCompletion). */
export function serveOpenApi(app: INestApplication, title: string): OpenAPIObject {
  declareValidationConstraints();
  declareSuccessBesideProblems(app);
  const document = describeRegister(SwaggerModule.createDocument(app, documentBase(title)));
  const completion = completionOf(app);
  SwaggerModule.setup('api/docs', app, document, {
    jsonDocumentUrl: 'api/openapi.json',
    // Authorize once and "Try it out" sends the credentials; they survive a reload of the page.
    swaggerOptions: { persistAuthorization: true },
    // The JSON and the UI's own copy (swagger-ui-init.js) both go through it.
    patchDocumentOnRequest: completion && ((_request: unknown, _reply: unknown, own: OpenAPIObject) => completion.complete(own)),
  });
  return document;
}

/** The app's OpenApiCompletion, if one of its modules provides it (most apps serve only their own routes); app.get would end the process without one. */
function completionOf(app: INestApplication): OpenApiCompletion | undefined {
  for (const module of app.get(ModulesContainer).values()) {
    const found = module.providers.get(OpenApiCompletion)?.instance;
    if (found instanceof OpenApiCompletion) return found;
  }
  return undefined;
}

/** Where @ApiResponse keeps a handler's responses (@nestjs/swagger's DECORATORS.API_RESPONSE, not exported). */
const API_RESPONSE = 'swagger/apiResponse';

/**
 * A handler with @ProblemResponses and no success response of its own would lose the one Nest
 * declares by default: it gets it back, with the status it answers (@HttpCode, else 201 for a
 * POST and 200 otherwise), whatever the order of its decorators.
 */
function declareSuccessBesideProblems(app: INestApplication) {
  for (const module of app.get(ModulesContainer).values()) {
    for (const controller of module.controllers.values()) {
      const prototype = controller.metatype?.prototype as Record<string, unknown> | undefined;
      for (const name of Object.getOwnPropertyNames(prototype ?? {})) {
        const handler = Object.getOwnPropertyDescriptor(prototype, name)?.value as object | undefined;
        if (typeof handler !== 'function') continue;
        const status = (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ?? (Reflect.getMetadata(METHOD_METADATA, handler) === RequestMethod.POST ? 201 : 200);
        const responses = Reflect.getMetadata(API_RESPONSE, handler) as Record<string, object> | undefined;
        if (responses && !Object.keys(responses).some((s) => s.startsWith('2'))) Reflect.defineMetadata(API_RESPONSE, { ...responses, [status]: { description: '' } }, handler);
        carryProduces(handler, status);
      }
    }
  }
}

/** Where @ApiProduces keeps a handler's media types (@nestjs/swagger's DECORATORS.API_PRODUCES). */
const API_PRODUCES = 'swagger/apiProduces';
/** A response's media types, carried to describeSuccess (Nest drops @ApiProduces for a response without a schema). */
const PRODUCES = 'x-produces';

/** The media types a handler declares with @ApiProduces, kept on its success response for describeSuccess. */
function carryProduces(handler: object, status: number) {
  const produces = Reflect.getMetadata(API_PRODUCES, handler) as string[] | undefined;
  if (!produces?.length) return;
  const responses = (Reflect.getMetadata(API_RESPONSE, handler) as Record<string, Record<string, unknown>> | undefined) ?? {};
  const success = responses[status] ?? { description: '' };
  if (success.type !== undefined || success.schema !== undefined) return;
  Reflect.defineMetadata(API_RESPONSE, { ...responses, [status]: { ...success, [PRODUCES]: produces } }, handler);
}

export function documentBase(title: string) {
  return new DocumentBuilder()
    .setTitle(title)
    .setDescription(
      'The organisation register of the Ho Chi Minh Communist Youth Union. Every call under /api/v1 needs a caller: ' +
        'a bearer token (JWT) or an API key in `X-Api-Key` (Authorize, above). Errors are application/problem+json (RFC 9457): ' +
        '`errors` lists each field and rule a 400 names, `rule` the register\'s rule a 409 or 422 names.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A token minted with `npm run -s token` or taken from the OIDC provider' }, 'bearer')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'A key made with `npm run -s api-keys -- create`' }, 'api-key')
    .build();
}

/** Schemas of answers whose objects may hold members the schema does not name: a batch's refused item is a problem with its extensions. */
const OPEN_SCHEMAS = new Set(['BatchItemAnswerDoc']);

/**
 * Adds to every operation under /api/v1 what the register does for every route of its kind:
 * the two ways to authenticate, the problem schema, the statuses every call may get, those of
 * commands (POST) and of reads, and the id pattern of path parameters (ParseIdPipe's).
 */
export function describeRegister(document: OpenAPIObject): OpenAPIObject {
  // Every body and query is validated with forbidNonWhitelisted (registerValidationPipe): nothing else is taken.
  // Answers that carry a problem's extension members (RFC 9457) are open, as the problem schema is.
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
    if ('type' in schema && schema.type === 'object') schema.additionalProperties = OPEN_SCHEMAS.has(name);
  }
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...PROBLEM_SCHEMAS } };
  declareEitherOf(document.components.schemas as Record<string, Record<string, unknown>>);
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith(PREFIX)) continue;
    for (const [method, operation] of operationsOf(item)) describeOperation(method, operation);
  }
  return document;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

function operationsOf(item: PathItemObject): Array<[string, OperationObject]> {
  return METHODS.filter((m) => item[m] !== undefined).map((m) => [m, item[m] as OperationObject]);
}

function describeOperation(method: string, operation: OperationObject) {
  operation.security = [{ bearer: [] }, { 'api-key': [] }];
  const parameters = (operation.parameters ?? []) as ParameterObject[];
  for (const p of parameters) {
    if (p.in === 'path' && saysOnlyString(p.schema)) p.schema = { type: 'string', pattern: ID_PATTERN.source };
    // `asOf` and `knownAt` are parseAsOfKnownAt's (a date or an instant; an instant) unless they say otherwise.
    if (p.in === 'query' && p.name === 'asOf' && saysOnlyString(p.schema)) p.schema = { type: 'string', pattern: AS_OF_PROPERTY.pattern };
    if (p.in === 'query' && p.name === 'knownAt' && saysOnlyString(p.schema)) p.schema = { type: 'string', pattern: KNOWN_AT_PROPERTY.pattern };
  }
  const statuses = [400, 401, 403, 429];
  // A read that names an entity, in its path or in an `…Id` filter, answers 404 when there is none.
  if (parameters.some((p) => p.in === 'path' || (p.in === 'query' && /Id$/.test(p.name)))) statuses.push(404);
  if (parameters.some((p) => p.in === 'query' && p.name === 'minPosition')) statuses.push(503);
  // A read as known at an instant refuses an instant to come (422 not-after-now): a rule against the clock, not malformed input.
  if (method === 'get' && parameters.some((p) => p.in === 'query' && (p.name === 'asOf' || p.name === 'knownAt'))) statuses.push(422);
  // A command reads Idempotency-Key and If-Match; the auditors' POSTs (a verification) are reads.
  if (method === 'post' && !operation.tags?.includes('audit')) {
    operation.parameters = [...parameters, ...COMMAND_HEADERS.filter((h) => !parameters.some((p) => p.name === h.name))];
    statuses.push(404, 409, 413, 415, 422);
  }
  for (const status of statuses) operation.responses[status] ??= problemResponse(status);
  describeSuccess(method, operation, parameters);
}

/**
 * The answers api.md's conventions give every operation of a kind, where the operation declares
 * no body of its own: a command's 201 (its id, revision and position), a list's 200 (`{ items,
 * nextCursor }`, or CSV with `Accept: text/csv`), any other read's or POST's a JSON object, in
 * the media types its handler declares with @ApiProduces (CSV, a workbook, NDJSON).
 */
function describeSuccess(method: string, operation: OperationObject, parameters: ParameterObject[]) {
  const bare = (status: string) => {
    const r = operation.responses[status] as (ResponseObject & { [PRODUCES]?: string[] }) | undefined;
    return r !== undefined && !('$ref' in r) && r.content === undefined ? r : undefined;
  };
  const created = method === 'post' ? bare('201') : undefined;
  if (created) created.content = { 'application/json': { schema: { $ref: '#/components/schemas/CommandAnswer' } } };
  if (method === 'post') {
    // A dry run's plan (200), an import under way (202), an auditor's verification: each an object its operation describes in words.
    for (const status of ['200', '202']) {
      const other = bare(status);
      if (other) other.content = { 'application/json': { schema: { type: 'object', additionalProperties: true } } };
    }
  }
  if (method !== 'get') return;
  const read = bare('200');
  if (!read) return;
  const listed = parameters.some((p) => p.in === 'query' && p.name === 'cursor');
  const json = { schema: listed ? { $ref: '#/components/schemas/ListAnswer' } : { type: 'object', additionalProperties: true } };
  const produces = read[PRODUCES] ?? (listed ? ['application/json', CSV_MEDIA_TYPE] : ['application/json']);
  delete read[PRODUCES];
  read.content = Object.fromEntries(produces.map((type) => [type, type === 'application/json' ? json : { schema: { type: 'string', description: OTHER_MEDIA[type.split(';')[0]] ?? type } }]));
}

const CSV_MEDIA_TYPE = 'text/csv';
/** What a read's answer is in each other media type it offers (Accept). */
const OTHER_MEDIA: Record<string, string> = {
  [CSV_MEDIA_TYPE]: 'UTF-8 with a BOM, one row per item (Accept: text/csv)',
  'application/x-ndjson': 'One JSON object per line',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'An Excel workbook (Accept: this type)',
};

/** A parameter declared as a bare string: a path parameter is then an id (ParseIdPipe); one with an enum or its own pattern says so itself. */
function saysOnlyString(schema: ParameterObject['schema']) {
  return Object.keys(schema ?? {}).every((k) => k === 'type');
}

/** Every command (commandContextOf) reads these two headers. */
const COMMAND_HEADERS: ParameterObject[] = [
  {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description: 'Send the same key to retry a command safely: the first answer is given again, the change is made once; the same key with another request is 422 idempotency-key-reused. 1 to 200 visible ASCII characters',
    schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,200}$' },
  },
  {
    name: 'If-Match',
    in: 'header',
    required: false,
    description: 'The ETag a read gave (`"3"`): the change is refused with 409 (`expected-revision`) if the entity has changed since',
    schema: { type: 'string', pattern: '^(W/)?"?(-1|\\d{1,15})"?$' },
  },
];

const PROBLEM_SCHEMAS = {
  CommandAnswer: {
    type: 'object',
    description: 'A command answers once its events are appended. Some add what they made (`mergerId`, an import\'s `importId`…).',
    required: ['position'],
    properties: {
      id: { type: 'string', description: 'The entity the command made or changed' },
      revision: { type: 'integer', description: 'Its stream\'s revision after the command: the ETag a later If-Match names' },
      version: { type: 'integer', description: 'The same as `revision` where the entity counts its own changes' },
      position: { type: 'integer', minimum: 0, description: 'The position of the last event appended in the service\'s log (each service counts its own): `minPosition` of a read waits for it; when the command changed nothing (the state it asks for is there already: a rename to the name it has) it appends nothing, and answers the log\'s head, so that a read with it as `minPosition` shows that state' },
      duplicate: { type: 'boolean', description: 'The first answer, given again to a retry with the same Idempotency-Key' },
    },
    additionalProperties: true,
  },
  ListAnswer: {
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: {
      items: { type: 'array', items: { type: 'object', additionalProperties: true } },
      nextCursor: { type: 'string', nullable: true, description: 'Give it as `cursor` for the next page; null on the last' },
    },
    additionalProperties: true,
  },
  FieldError: {
    type: 'object',
    required: ['field', 'rule', 'message'],
    properties: {
      field: { type: 'string', description: "The field, parameter or header, as the request spelled it, a list's item by its place from 0 between dots (`parts.1.name`)" },
      rule: { type: 'string', description: 'The rule it broke: `required` for a field absent or null, whatever its other rules; else `maxLength`, `id`, `cursor`…' },
      message: { type: 'string' },
    },
  },
  Problem: {
    type: 'object',
    description: 'RFC 9457 problem details; a 409 or 422 may add fields that say what the register saw (e.g. `unitId`)',
    required: ['type', 'title', 'status'],
    properties: {
      type: { type: 'string', example: '/api/v1/problems/validation' },
      title: { type: 'string' },
      status: { type: 'integer', minimum: 400, maximum: 599 },
      detail: { type: 'string' },
      rule: { type: 'string', description: 'The rule of the register that refused the request (409, 422)' },
      errors: { type: 'array', items: { $ref: '#/components/schemas/FieldError' }, description: 'Each field that broke a rule (400)' },
    },
    additionalProperties: true,
  },
};
