import { Body, Controller, Get, HttpCode, HttpException, NotFoundException, Param, Post, Query, Req, ServiceUnavailableException } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Principal } from '@register/auth';
import { ndjson, ProblemResponses, RegisterRequest } from '@register/service-kit';
import { LogIntegrities } from './log-integrities';
import { CheckpointsQuery, ExportQuery, ProofParams, VerificationRequest } from './log-integrity.dto';
import { trustedByLog } from './trusted-checkpoints';

/** The signature of a signed note: its last line's base64, after the key name. */
const signatureOf = (note: string) => note.trim().split('\n').pop()?.split(' ').pop() ?? '';

/**
 * The logs' proof of integrity, for auditors: each service's hash chain and its signed Merkle
 * checkpoints (docs/verifiable-log.md), verified here, proved event by event, exported for the
 * offline verifier (`npm run verify -- FILE`).
 */
@ApiTags('audit')
@Controller('audit')
export class LogIntegrityController {
  constructor(private readonly integrities: LogIntegrities) {}

  @Post('verifications')
  @HttpCode(200)
  @ProblemResponses(400, 415, 422, 503)
  // No input is required: an empty POST checks every log, as `{}` does.
  @ApiBody({ type: VerificationRequest, required: false })
  @ApiOperation({
    summary: 'Checks every log from its first event (or from a trusted checkpoint) to its head: each event\'s hash, the chain\'s order and completeness, and each signed checkpoint; names the position and kind of each problem',
    description: 'A log checked from a trusted checkpoint says so in `trustedFrom` (its size and root); its `events` are those after it. A log that cannot be read now (its service down) is 503, naming it: not verified, rather than `ok: false`, which says a log is damaged.',
  })
  async verify(@Body() body: VerificationRequest, @Req() request: RegisterRequest) {
    const ports = this.integrities.all(callerOf(request)).filter(([service]) => !body?.services || body.services.includes(service as never));
    if (ports.length === 0) throw new ServiceUnavailableException('no verifiable log is reachable from this gateway');
    const trusted = trustedByLog(body?.trustedCheckpoints, ports.map(([service]) => service));
    const logs = await Promise.all(
      ports.map(async ([service, port]) => {
        try {
          const verdict = await port.verify(trusted.get(service));
          return { service, ...verdict, ok: verdict.problems.length === 0 };
        } catch (error) {
          if (error instanceof HttpException && error.getStatus() < 500) throw error;
          return { service, unread: `the ${service} log could not be read: ${(error as Error).message}` };
        }
      }),
    );
    // A log that could not be read is not verified, neither whole nor damaged: `ok: false` read as
    // tampering to an auditor's tool while a service was only down (a probe). 503, naming it.
    const unread = logs.flatMap((l) => ('unread' in l ? [l.unread] : []));
    if (unread.length > 0) throw new ServiceUnavailableException(`${unread.join('; ')}: nothing was found wrong, but a log unread is not verified; verify again when it answers`);
    return { ok: logs.every((l) => 'ok' in l && l.ok), verifiedAt: new Date().toISOString(), logs };
  }

  @Get('checkpoints')
  @ProblemResponses(503)
  @ApiOperation({
    summary: 'The signed heads of each log (size, root hash, time, signature, the signed note) and the public key that verifies them',
    description:
      'Oldest first: the newest 1000 (or `limit`), or with `afterSize` the next ones after that size. `more` says that others lie beyond the page: ' +
      'older ones before the newest (page them from `afterSize=0`), or newer ones after a page taken with `afterSize` (go on from its last size).',
  })
  async checkpoints(@Query() q: CheckpointsQuery, @Req() request: RegisterRequest) {
    const ports = this.integrities.all(callerOf(request)).filter(([service]) => !q.service || service === q.service);
    if (ports.length === 0) throw new ServiceUnavailableException('no verifiable log is reachable from this gateway');
    const logs = await Promise.all(
      ports.map(async ([service, port]) => {
        const { checkpoints, ...log } = await port.checkpoints({ afterSize: q.afterSize, limit: q.limit });
        return { service, ...log, checkpoints: checkpoints.map((c) => ({ ...c, signature: signatureOf(c.note) })) };
      }),
    );
    return { logs };
  }

  @Get('logs/:service/events/:position/proof')
  @ApiParam({ name: 'service', enum: ['organisation', 'personnel', 'training', 'evaluation'] })
  @ApiParam({ name: 'position', description: 'The event\'s position in that service\'s log', schema: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } })
  @ProblemResponses(409, 503)
  @ApiOperation({
    summary: 'The proof that one event is in a signed checkpoint: its leaf index, leaf hash, the checkpoint and the audit path (RFC 9162)',
    description: 'A proof is given only when it holds against a validly signed checkpoint\'s root and the event as stored gives its hash: where the event or the rows its proof is drawn from are damaged (a row deleted or edited), 409 log-damaged, and POST /audit/verifications names what is wrong. A proof says that the event is in the signed tree, not that the rest of the log is whole: a verification says that.',
  })
  async proof(@Param() params: ProofParams, @Req() request: RegisterRequest) {
    const port = this.integrities.of(params.service, callerOf(request));
    if (!port) throw new ServiceUnavailableException(`the ${params.service} log is not reachable from this gateway`);
    const proof = await port.proof(params.position);
    if (!proof) throw new NotFoundException(`no event at position ${params.position} in the ${params.service} log`);
    return { service: params.service, ...(proof as object) };
  }

  @Get('exports')
  @ApiProduces('application/x-ndjson')
  @ProblemResponses(409, 422, 503)
  @ApiOperation({ summary: 'A bundle (NDJSON) of one log: its events as stored with their hashes, its checkpoints, the consistency proofs between them, the public key, and last a seal signing what the bundle holds; `npm run verify -- FILE` checks it offline' })
  async export(@Query() q: ExportQuery, @Req() request: RegisterRequest) {
    const port = this.integrities.of(q.service, callerOf(request));
    if (!port) throw new ServiceUnavailableException(`the ${q.service} log is not reachable from this gateway`);
    // The first line is read before the answer starts, so that a log out of reach is a problem
    // (503), not a 200 cut after its headers; the rest streams, a line at a time: a whole log's
    // bundle does not fit in memory (the gateway held every line until 6 December 2026).
    const lines = port.bundle(q.fromPosition, q.toPosition)[Symbol.asyncIterator]();
    const first = await lines.next();
    return ndjson(
      (async function* () {
        try {
          if (first.done) return;
          yield first.value;
          for (let next = await lines.next(); !next.done; next = await lines.next()) yield next.value;
        } finally {
          await lines.return?.();
        }
      })(),
      `${q.service}-log.ndjson`,
    );
  }
}

const callerOf = (request: RegisterRequest) => request.actor as unknown as Principal;
