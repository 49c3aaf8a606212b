import { Module } from '@nestjs/common';

/**
 * The REST gateway for people and systems: authentication, authorisation in the union's tree, audit and report queries.
 * One folder per capability below this one; this module gathers them, so that the service runs
 * alone (main.ts) or beside the others in the embedded start.
 */
@Module({})
export class GatewayModule {}
