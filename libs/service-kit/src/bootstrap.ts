import { DynamicModule, Global, INestApplication, Logger, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { answerClientError } from './client-error';
import { loadConfig, RegisterConfig } from './config';
import { connectConsumers, ConsumerGroupSpec, startConsumers } from './consumers';
import { EventStoreConnectionsModule } from './event-store.module';
import { FingerprintModule } from './fingerprint';
import { HealthController, Readiness } from './health';
import { InternalCallersModule } from './internal-callers';
import { InProcessBusModule } from './relay.module';
import { ProblemDetailsFilter, sendProblem } from './problem-details';
import { registerValidationPipe } from './validation';

export const API_PREFIX = 'api/v1';
const frameworkLogger = new Logger('Problem');

/** Health, readiness and metrics: every process of the register has them. */
@Global()
@Module({ controllers: [HealthController], providers: [Readiness], exports: [Readiness] })
export class OperationsModule {}

export interface HttpAppOptions {
  title: string;
  /** Largest accepted request body; a register command is small. */
  bodyLimit?: number;
  logger?: boolean;
}

/** A Nest app on Fastify with our conventions: /api/v1, problem+json, strict validation, OpenAPI at /api/docs. */
export async function createHttpApp(module: Type<unknown>, options: HttpAppOptions): Promise<NestFastifyApplication> {
  // No Nest middleware anywhere in the register: without skipMiddie, @fastify/middie's hook would
  // run on every request for nothing (a few per cent of a forwarded read's CPU in the gateway).
  // Requests refused before any route (unparsable HTTP, a path that does not decode, a path
  // segment beyond the router's length) are answered with problem+json too, not Fastify's JSON.
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimit ?? 256 * 1024,
    skipMiddie: true,
    clientErrorHandler: answerClientError,
    frameworkErrors: (error: Error, _request: FastifyRequest, reply: FastifyReply) => sendProblem(reply, error, frameworkLogger),
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { logger: options.logger === false ? false : ['error', 'warn', 'log'] });
  configureHttpApp(app, options);
  return app;
}

export function configureHttpApp(app: INestApplication, options: HttpAppOptions) {
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health/live', 'health/ready', 'metrics'] });
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(registerValidationPipe());
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(options.title)
      .setDescription('The organisation register of the Ho Chi Minh Communist Youth Union. Errors are application/problem+json (RFC 9457).')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/openapi.json' });
}

export async function listen(app: INestApplication, port: number, what: string) {
  await app.listen(port, '0.0.0.0');
  new Logger(what).log(`listening on http://127.0.0.1:${port}/api/v1 (OpenAPI UI: /api/docs)`);
}

/** The root module of one process: the shared connections and operations endpoints, plus the given features. */
export function rootModuleOf(config: RegisterConfig, features: Array<Type<unknown> | DynamicModule>): Type<unknown> {
  const bus = config.mode === 'embedded' ? [InProcessBusModule] : [];
  @Module({ imports: [EventStoreConnectionsModule.forRoot(config), FingerprintModule.forRoot(config), OperationsModule, ...bus, ...features] })
  class RegisterRootModule {}
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
