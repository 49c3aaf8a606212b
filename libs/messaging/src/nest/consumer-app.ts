import { INestMicroservice, LoggerService, LogLevel, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CustomTransportStrategy, MicroserviceOptions } from '@nestjs/microservices';
import { KeepHandlerErrors } from './keep-handler-errors.filter';

/**
 * Starts one consumer group as its own Nest microservice: `module` holds the controllers whose
 * @EventPattern handlers belong to that group. One app per group, because Nest binds every handler
 * of an app to every server of the app: two groups in one app would each run all handlers.
 */
export async function startConsumer(module: Type<unknown>, strategy: CustomTransportStrategy, logger?: LoggerService | LogLevel[] | false): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(module, { strategy, logger: logger ?? ['error', 'warn'] });
  app.useGlobalFilters(new KeepHandlerErrors());
  app.enableShutdownHooks();
  await app.listen();
  return app;
}
