import { Readable } from 'node:stream';
import { Body, Controller, ForbiddenException, Get, HttpCode, NotFoundException, Param, Post, Query, Req, StreamableFile } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import { RegisterRequest } from './command-context';
import { LogIntegrityPort, logIntegrityIn } from './log-integrity';
import { ValidationFailed } from './problem-details';

const READERS = new Set(['auditor', 'central-admin']);
const SERVICE = /^[a-z][a-z-]{0,39}$/;

/** A position from a query or a path: a whole number, or absent. */
export function positionParam(field: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,16}$/.test(value)) throw new ValidationFailed([{ field, rule: 'whole-number', message: `${field} must be a whole number` }]);
  return Number(value);
}

/** The NDJSON answer of a bundle: one line per item, streamed as it is read. */
export function ndjson(lines: AsyncIterable<string>, filename: string): StreamableFile {
  const stream = Readable.from((async function* () {
    for await (const line of lines) yield `${line}\n`;
  })());
  return new StreamableFile(stream, { type: 'application/x-ndjson', disposition: `attachment; filename="${filename}"` });
}

/**
 * A distributed service's log integrity, for the gateway's audit API (the caller, an auditor, in
 * the gateway's signed header): its checkpoints, its verification, a proof, a bundle.
 */
@ApiExcludeController()
@Controller('internal/logs/:service')
export class InternalLogIntegrityController {
  constructor(private readonly modules: ModuleRef) {}

  @Get('checkpoints')
  checkpoints(@Param('service') service: string, @Query('afterSize') afterSize: string | undefined, @Query('limit') limit: string | undefined, @Req() request: RegisterRequest) {
    return this.of(service, request).checkpoints({ afterSize: positionParam('afterSize', afterSize), limit: positionParam('limit', limit) });
  }

  @Post('verification')
  @HttpCode(200)
  verification(@Param('service') service: string, @Body() body: { trustedCheckpoint?: unknown } | undefined, @Req() request: RegisterRequest) {
    const trusted = body?.trustedCheckpoint;
    if (trusted !== undefined && typeof trusted !== 'string') throw new ValidationFailed([{ field: 'trustedCheckpoint', rule: 'string', message: 'trustedCheckpoint must be a signed note (text)' }]);
    return this.of(service, request).verify(trusted);
  }

  @Get('proofs/:position')
  async proof(@Param('service') service: string, @Param('position') position: string, @Req() request: RegisterRequest) {
    const proof = await this.of(service, request).proof(positionParam('position', position) ?? 0);
    if (!proof) throw new NotFoundException(`no event at position ${position} in the ${service} log`);
    return proof;
  }

  @Get('bundle')
  bundle(@Param('service') service: string, @Query('fromPosition') from: string | undefined, @Query('toPosition') to: string | undefined, @Req() request: RegisterRequest) {
    return ndjson(this.of(service, request).bundle(positionParam('fromPosition', from), positionParam('toPosition', to)), `${service}.ndjson`);
  }

  private of(service: string, request: RegisterRequest): LogIntegrityPort {
    if (!request.actor?.roles.some((r) => READERS.has(r))) throw new ForbiddenException("the log's integrity is read by auditors, through the gateway");
    const integrity = SERVICE.test(service) ? logIntegrityIn(this.modules, service) : undefined;
    if (!integrity) throw new NotFoundException(`this service keeps no verifiable log named ${service.slice(0, 40)}`);
    return integrity;
  }
}
