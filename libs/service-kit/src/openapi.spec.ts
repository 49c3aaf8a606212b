import { Body, Controller, Get, HttpCode, Module, Param, Post, Query } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { ApiProperty, ApiPropertyOptional, OpenAPIObject } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, Max, Min, ValidateIf } from 'class-validator';
import { Type } from 'class-transformer';
import { KNOWN_AT_PROPERTY } from './as-of';
import { CommandRequest, IsCalendarDate } from './command-request';
import { IsRegisterId, IsRegisterName, ParseIdPipe } from './fields';
import { ApiAsOf, ProblemResponses, serveOpenApi } from './openapi';
import { ApiEitherOf } from './openapi-constraints';
import { ReadModelQuery } from './read-query';

class PlantTreeRequest extends CommandRequest {
  @ApiProperty() @IsRegisterName(100) name!: string;
  @ApiProperty() @IsIn(['oak', 'pine']) kind!: string;
  @ApiPropertyOptional() @IsOptional() @IsCalendarDate() plantedOn?: string;
  @ApiProperty({ type: [String] }) @IsArray() @ArrayMaxSize(3) @IsRegisterId({ each: true }) neighbourIds!: string[];
}

/** Two words for one field (the stock and the rootstock): either, not both. */
@ApiEitherOf(['stockId', 'rootstockId'])
class GraftRequest extends CommandRequest {
  @ApiProperty() @ValidateIf((o: GraftRequest) => o.rootstockId === undefined) @IsRegisterId() stockId?: string;
  @ApiPropertyOptional() @IsOptional() @IsRegisterId() rootstockId?: string;
  @ApiProperty() @IsRegisterName(100) name!: string;
}

class TreesQuery extends ReadModelQuery {
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(9) height?: number;
  @ApiPropertyOptional() @IsOptional() asOf?: string;
  @ApiPropertyOptional() @IsOptional() knownAt?: string;
}

@Controller('trees')
class TreesController {
  @Post() plant(@Body() body: PlantTreeRequest) {
    return body;
  }

  @Post('grafts') graft(@Body() body: GraftRequest) {
    return body;
  }

  @Post('counts') @HttpCode(200) @ProblemResponses(503) count() {
    return { trees: 0 };
  }

  @Get(':id') @ProblemResponses(502) get(@Param('id', ParseIdPipe) id: string, @Query() query: TreesQuery) {
    return { id, query };
  }

  @Get(':id/rings') @ApiAsOf() rings(@Param('id', ParseIdPipe) id: string, @Query('asOf') asOf?: string, @Query('knownAt') knownAt?: string) {
    return { id, asOf, knownAt };
  }
}

@Module({ controllers: [TreesController] })
class TreesModule {}

/** The document as serveOpenApi builds it, for a controller written as docs/openapi.md says. */
describe('the OpenAPI document of a register app (serveOpenApi)', () => {
  let document: OpenAPIObject;
  beforeAll(async () => {
    const app = await NestFactory.create(TreesModule, new FastifyAdapter(), { logger: false });
    app.setGlobalPrefix('api/v1');
    document = serveOpenApi(app, 'Trees');
    await app.close();
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is read freely
  const op = (path: string, method: 'get' | 'post') => (document.paths[`/api/v1${path}`] as any)[method];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const schema = (name: string) => document.components!.schemas![name] as any;

  it('requires exactly one of two words for one field (ApiEitherOf), neither alone: a client generated from the document may send either', () => {
    expect(schema('GraftRequest').required).toEqual(expect.arrayContaining(['name', 'reason']));
    expect(schema('GraftRequest').required).not.toContain('stockId');
    expect(schema('GraftRequest').allOf).toEqual([{ oneOf: [{ required: ['stockId'], not: { required: ['rootstockId'] } }, { required: ['rootstockId'], not: { required: ['stockId'] } }] }]);
  });

  it('offers a bearer token and an X-Api-Key, and every operation takes either', () => {
    expect(document.components!.securitySchemes).toEqual({
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
      'api-key': expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }),
    });
    for (const o of [op('/trees', 'post'), op('/trees/{id}', 'get')]) expect(o.security).toEqual([{ bearer: [] }, { 'api-key': [] }]);
  });

  it('lists the problems each kind of route answers, as problem+json with errors and rule', () => {
    expect(Object.keys(op('/trees', 'post').responses).sort()).toEqual(['201', '400', '401', '403', '404', '409', '413', '415', '422', '429']);
    // A read that takes asOf also answers 422 (not-after-now: an instant to come).
    expect(Object.keys(op('/trees/{id}', 'get').responses).sort()).toEqual(['200', '400', '401', '403', '404', '422', '429', '502', '503']);
    // @ProblemResponses keeps the success a handler answers (here @HttpCode(200) on a POST).
    expect(Object.keys(op('/trees/counts', 'post').responses).filter((s) => s.startsWith('2'))).toEqual(['200']);
    expect(op('/trees/{id}', 'get').responses[400].content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/Problem' });
    expect(schema('Problem').properties).toEqual(expect.objectContaining({ rule: expect.anything(), errors: { type: 'array', items: { $ref: '#/components/schemas/FieldError' }, description: expect.any(String) } }));
  });

  it("declares the path id's pattern, the query's integers and bounds, and the command's headers", () => {
    const params = Object.fromEntries(op('/trees/{id}', 'get').parameters.map((p: { name: string; schema: unknown }) => [p.name, p.schema]));
    expect(params.id).toEqual({ type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$' });
    expect(params.height).toEqual(expect.objectContaining({ type: 'integer', minimum: 1, maximum: 9 }));
    expect(params.minPosition).toEqual(expect.objectContaining({ type: 'integer', minimum: 0 }));
    expect(params.asOf).toEqual({ type: 'string', pattern: expect.stringContaining('T([01]\\d|2[0-3])') });
    expect(params.knownAt).toEqual({ type: 'string', pattern: KNOWN_AT_PROPERTY.pattern });
    // A read taking them one by one (@ApiAsOf) declares both axes the same way.
    const rings = Object.fromEntries(op('/trees/{id}/rings', 'get').parameters.map((p: { name: string; schema: unknown }) => [p.name, p.schema]));
    expect([rings.asOf, rings.knownAt]).toEqual([{ type: 'string', pattern: params.asOf.pattern }, { type: 'string', pattern: KNOWN_AT_PROPERTY.pattern }]);
    expect(op('/trees', 'post').parameters.map((p: { name: string }) => p.name)).toEqual(['Idempotency-Key', 'If-Match']);
  });

  it("gives the body the validators' constraints, and no room for other fields", () => {
    const body = schema('PlantTreeRequest');
    expect(body.additionalProperties).toBe(false);
    expect(body.required.sort()).toEqual(['kind', 'name', 'neighbourIds', 'reason']);
    expect(body.properties.name).toEqual(expect.objectContaining({ type: 'string', minLength: 1, maxLength: 100, pattern: expect.stringContaining('(?=') }));
    expect(body.properties.kind).toEqual(expect.objectContaining({ enum: ['oak', 'pine'] }));
    expect(body.properties.plantedOn).toEqual(expect.objectContaining({ format: 'date', pattern: expect.stringMatching(/^\^\(\(19.*-02-29\)\$$/) }));
    expect(body.properties.neighbourIds).toEqual(expect.objectContaining({ type: 'array', maxItems: 3, items: expect.objectContaining({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$' }) }));
    expect(body.properties.reason).toEqual(expect.objectContaining({ minLength: 1, maxLength: 2000 }));
  });
});
