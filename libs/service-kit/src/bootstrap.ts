import { DynamicModule, Global, INestApplication, Logger, Module, OnModuleDestroy, Optional, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import multipart from '@fastify/multipart';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { answerClientError } from './client-error';
import { loadConfig, RegisterConfig } from './config';
import { connectConsumers, ConsumerGroupSpec, startConsumers } from './consumers';
import { EventStoreConnectionsModule } from './event-store.module';
import { CreatedLocationModule } from './created-location';
import { FingerprintModule } from './fingerprint';
import { checkBody, checkQuery } from './body-rules';
import { duplicateKeys } from './duplicate-keys';
import { HealthController, Readiness } from './health';
import { applyHttpLimits, HttpLimits, httpLimitsFromEnv, serverOptionsOf } from './http-limits';
import { closeConnectionsOnClose } from './http-close';
import { installApiHeaders } from './response-headers';
import { ShutdownGate } from './shutdown-gate';
import { startMetricsServer } from './metrics';
import { InternalCallersModule } from './internal-callers';
import { serveOpenApi } from './openapi';
import { EmbeddedSnapshots, EmbeddedSnapshotsModule } from './embedded-snapshot';
import { InProcessBusModule } from './relay.module';
import { UpstreamLogsModule } from './upstream-logs';
import { ProblemDetailsFilter, sendProblem, ValidationFailed } from './problem-details';
import { registerValidationPipe } from './validation';

export const API_PREFIX = 'api/v1';
const frameworkLogger = new Logger('Problem');

/** Health and readiness: every process of the register has them (metrics: see listen). */
@Global()
@Module({ controllers: [HealthController], providers: [Readiness, ShutdownGate], exports: [Readiness, ShutdownGate] })
export class OperationsModule {}

export interface HttpAppOptions {
  title: string;
  /** Largest accepted request body; a register command is small. */
  bodyLimit?: number;
  logger?: boolean;
  /** Timeouts and the connection cap, over those of the environment (REGISTER_HTTP_*; see http-limits.ts). */
  limits?: Partial<HttpLimits>;
}

/**
 * Nest's adapter, with one change to its JSON parser: an `application/json` request with an empty
 * body has no body (undefined) instead of Fastify's 400 FST_ERR_CTP_EMPTY_JSON_BODY before any
 * route. What a route makes of no body is then the route's rule: the gateway refuses a command
 * without one (400, `(body)` `object`), and lets a command that takes no required input
 * (POST /audit/verifications) run as with `{}`.
 */
class RegisterFastifyAdapter extends FastifyAdapter {
  override registerParserMiddleware(prefix?: string, rawBody?: boolean) {
    super.registerParserMiddleware(prefix, rawBody);
    emptyJsonIsNoBody(this.getInstance<FastifyInstance>());
  }
}

/** Fastify's own JSON parser (prototype poisoning refused as before), an empty body aside. */
export function emptyJsonIsNoBody(fastify: FastifyInstance) {
  const { bodyLimit, onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig;
  const parse = fastify.getDefaultJsonParser(onProtoPoisoning || 'error', onConstructorPoisoning || 'error');
  if (fastify.hasContentTypeParser('application/json')) fastify.removeContentTypeParser('application/json');
  // the default parser takes the Buffer too (Nest's own registration hands it one)
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (request, body: Buffer, done) => {
    if (body.length === 0) return done(null, undefined);
    // Decoded once, strictly: the parser, the duplicate-key scan and a syntax error's place all read this text.
    const text = utf8Text(body);
    if (text instanceof Error) return done(text, undefined);
    parse(request, text, (error, parsed) => done(poisoningNamed(error, text) ?? duplicatesNamed(text), parsed));
  });
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A body that is not UTF-8 (Latin-1 or Windows-1258 text) is refused, not read with its bytes
 * replaced by U+FFFD and kept so in the signed log (a probe's "lý do" was stored "l� do").
 */
function utf8Text(body: Buffer): string | Error {
  try {
    return UTF8.decode(body);
  } catch {
    return Object.assign(new ValidationFailed([{ field: '(body)', rule: 'utf-8', message: 'the body is not UTF-8 text: send JSON encoded as UTF-8' }]), { statusCode: 400 });
  }
}

/** A body that gives a key twice in one object is refused, naming each such key (rule `duplicate-key`). */
function duplicatesNamed(text: string): Error | null {
  let errors: ReturnType<typeof duplicateKeys>;
  try {
    errors = duplicateKeys(text);
  } catch (error) {
    // Nested beyond the scanner's stack: the body rules refuse it by its depth (max-depth).
    if (error instanceof RangeError) return null;
    throw error;
  }
  return errors.length ? Object.assign(new ValidationFailed(errors), { statusCode: 400 }) : null;
}

/**
 * Fastify's "not valid JSON", which names no field (its error drops the reason), as a 400 naming the
 * field and the rule: a body that is JSON after all was refused for a prototype-poisoning key
 * (`__proto__`, `constructor.prototype`: `forbidden-key`); another, where its syntax breaks (`json-syntax`).
 */
function poisoningNamed(error: Error | null, text: string): Error | null {
  if ((error as { code?: string } | null)?.code !== 'FST_ERR_CTP_INVALID_JSON_BODY') return error;
  const syntax = syntaxErrorOf(text);
  const refused = new ValidationFailed([
    syntax === undefined
      ? { field: '(key)', rule: 'forbidden-key', message: 'a body may not hold a key __proto__, nor constructor.prototype' }
      : // Where the JSON breaks, as the parser says it (position, line and column): Fastify's error gave no place.
        { field: '(body)', rule: 'json-syntax', message: `the body is not JSON: ${syntax}` },
  ]);
  // A 400 for Fastify's own error handler too, where no problem filter runs.
  return Object.assign(refused, { statusCode: 400 });
}

/** Why the body is not JSON, as JSON.parse says it; undefined when it is JSON. */
function syntaxErrorOf(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * The Fastify adapter of every HTTP app of the register, with our conventions for what arrives
 * before any route: the timeouts and connection cap of http-limits.ts, problem+json for requests
 * refused before routing, and the body rules of body-rules.ts (depth, well-formed strings, no NUL)
 * checked on every request after its body is parsed and before the gateway's access checks, the
 * forwarding route, validation or a handler see it.
 */
export function httpAdapter(options: Pick<HttpAppOptions, 'bodyLimit' | 'limits'> = {}): FastifyAdapter {
  const limits = httpLimitsFromEnv(process.env, options.limits);
  // No Nest middleware anywhere in the register: without skipMiddie, @fastify/middie's hook would
  // run on every request for nothing (a few per cent of a forwarded read's CPU in the gateway).
  // Requests refused before any route (unparsable HTTP, a path that does not decode, a path
  // segment beyond the router's length) are answered with problem+json too, not Fastify's JSON.
  const adapter = new RegisterFastifyAdapter({
    bodyLimit: options.bodyLimit ?? 256 * 1024,
    // An id in the path longer than an id may be (100) reaches its route, whose pipe answers 400
    // naming the field and the rule, as the same id in a query does: at the router's default (100)
    // a 101-character id was 414 "URI too long" (a probe); a segment beyond this is still 414. In
    // routerOptions: given at the top level, Fastify warns that it is deprecated.
    routerOptions: { maxParamLength: 1000 },
    skipMiddie: true,
    clientErrorHandler: answerClientError,
    frameworkErrors: (error: Error, _request: FastifyRequest, reply: FastifyReply) => sendProblem(reply, error, frameworkLogger),
    connectionTimeout: limits.idleTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    http: serverOptionsOf(limits),
  });
  const fastify = adapter.getInstance();
  applyHttpLimits(fastify.server, limits);
  closeConnectionsOnClose(fastify, limits.closeGraceMs);
  installApiHeaders(fastify, API_PREFIX);
  // Uploads (POST /member-imports): the handler reads the parts from the stream, each route with
  // its own limits; a multipart body sent to a JSON route leaves it without a body (400).
  void adapter.register(multipart as never, { limits: { fileSize: 5 * 1024 * 1024, files: 1, fields: 10, parts: 20 } });
  fastify.addHook('preValidation', (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void) => {
    const errors = [...checkQuery(request.query), ...(request.body === undefined ? [] : checkBody(request.body))];
    done(errors.length ? new ValidationFailed(errors) : undefined);
  });
  return adapter;
}

/** A Nest app on Fastify with our conventions: /api/v1, problem+json, strict validation, OpenAPI at /api/docs. */
export async function createHttpApp(module: Type<unknown>, options: HttpAppOptions): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(module, httpAdapter(options), { logger: options.logger === false ? false : ['error', 'warn', 'log'] });
  configureHttpApp(app, options);
  return app;
}

export function configureHttpApp(app: INestApplication, options: HttpAppOptions) {
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health/live', 'health/ready'] });
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(registerValidationPipe());
  app.enableShutdownHooks();
  app.get(ShutdownGate).install((app as NestFastifyApplication).getHttpAdapter().getInstance());
  serveOpenApi(app, options.title);
}

/**
 * Listens on `host` (the embedded start: loopback unless HOST says otherwise; a distributed
 * service: every address, as its container needs) and, when METRICS_PORT is set, serves the
 * Prometheus metrics on that port of their own (on METRICS_HOST, by default the same host): they
 * are not on the API's port, where anyone who reaches the API would read them.
 */
export async function listen(app: INestApplication, port: number, what: string, host = process.env.HOST || '0.0.0.0') {
  await app.listen(port, host);
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  new Logger(what).log(`listening on http://${shown}:${port}/api/v1 (OpenAPI UI: /api/docs)`);
  const metrics = process.env.METRICS_PORT;
  if (metrics) {
    const server = await startMetricsServer(Number(metrics), process.env.METRICS_HOST || host, httpLimitsFromEnv());
    app.getHttpServer().once('close', () => server.close());
    new Logger(what).log(`metrics on http://${process.env.METRICS_HOST || shown}:${metrics}/metrics`);
  }
}

/** The root module of one process: the shared connections and operations endpoints, plus the given features. */
export function rootModuleOf(config: RegisterConfig, features: Array<Type<unknown> | DynamicModule>): Type<unknown> {
  // The snapshot's module first: its restore (onModuleInit) runs before any other module's hooks.
  const embedded = config.mode === 'embedded' ? [EmbeddedSnapshotsModule, InProcessBusModule] : [];
  @Module({ imports: [...embedded, UpstreamLogsModule, CreatedLocationModule, EventStoreConnectionsModule.forRoot(config), FingerprintModule.forRoot(config), OperationsModule, ...features] })
  class RegisterRootModule implements OnModuleDestroy {
    constructor(
      private readonly gate: ShutdownGate,
      @Optional() private readonly snapshots?: EmbeddedSnapshots,
    ) {}

    /**
     * The root module stops first (Nest stops the modules nearest the root first): no new request,
     * those under way answered, then (embedded) the relays, all before any view stops.
     */
    async onModuleDestroy(): Promise<void> {
      await this.gate.close(httpLimitsFromEnv().closeGraceMs);
      await this.snapshots?.stopRelays();
    }
  }
  return RegisterRootModule;
}

/** Starts one service as its own process (distributed mode), with its Kafka consumer group if it has one. */
export async function runService(name: string, features: Array<Type<unknown> | DynamicModule>, defaultPort: number, consumers?: ConsumerGroupSpec) {
  const config = loadConfig({ REGISTER_MODE: 'distributed', PORT: String(defaultPort), ...process.env });
  // Behind the gateway, a service takes its callers from the gateway's signed header only.
  const callers = name === 'gateway' ? [] : [InternalCallersModule];
  const app = await createHttpApp(rootModuleOf(config, [...callers, ...features]), { title: `Union Register: ${name}` });
  connectConsumers(app, config, consumers);
  await startConsumers(app, config);
  await listen(app, config.port, name);
  return app;
}
