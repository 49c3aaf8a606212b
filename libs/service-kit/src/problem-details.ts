import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { ConflictError, NotFoundError, RuleViolation, WrongExpectedRevisionError } from '@register/event-sourcing';

/** One broken rule of one field, as the `errors` list of a validation problem names it. */
export interface FieldError {
  field: string;
  rule: string;
  message: string;
}

/** RFC 9457 problem details: the only shape an error takes on our API. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  rule?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/** Input that broke field rules (HTTP 400). */
export class ValidationFailed extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
    this.name = 'ValidationFailed';
  }
}

export const problemType = (slug: string) => `/api/v1/problems/${slug}`;

/** Socket errors and PostgreSQL's own (57P01-03: shut down, crashed, starting up; class 08: the connection) when the database is away. */
const AWAY = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);

/**
 * The database away (stopped, restarting, the connection cut: PostgreSQL SIGKILLed in the fault
 * matrix): the request may be sent again, so a 503, not the 500 of something unexpected.
 */
function databaseAway(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  return (typeof e?.code === 'string' && AWAY.has(e.code)) || (typeof e?.message === 'string' && e.message.startsWith('Connection terminated'));
}

/** Maps anything thrown while serving a request to a problem; what we did not expect is a 500 that reveals nothing. */
export function toProblem(error: unknown): Problem {
  if (error instanceof ValidationFailed) {
    return { type: problemType('validation'), title: 'The request is not valid', status: 400, detail: error.message, errors: error.errors };
  }
  if (error instanceof RuleViolation) {
    return { type: problemType(`rule/${error.rule}`), title: 'A rule of the register refused the change', status: 422, detail: error.message, rule: error.rule, ...error.details };
  }
  if (error instanceof ConflictError) {
    return { type: problemType(`conflict/${error.rule}`), title: 'The change conflicts with the register', status: 409, detail: error.message, rule: error.rule, ...error.details };
  }
  if (error instanceof WrongExpectedRevisionError) {
    return { type: problemType('concurrency'), title: 'Someone changed this first', status: 409, detail: `${error.message}; read it again and retry`, rule: 'expected-revision' };
  }
  if (error instanceof NotFoundError) {
    return { type: problemType('not-found'), title: 'Not found', status: 404, detail: error.message };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const body = error.getResponse();
    const detail = typeof body === 'string' ? body : String((body as { message?: unknown }).message ?? error.message);
    return { type: problemType(slugOf(status)), title: HttpStatus[status]?.replace(/_/g, ' ').toLowerCase() ?? 'error', status, detail };
  }
  const fastify = error as { statusCode?: number; code?: string; message?: string };
  if (typeof fastify?.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    // Fastify's own refusals: a body that is not JSON, too large, or of another content type.
    // Too large: the limits say what fits (Fastify's own words named none: a probe).
    const detail = fastify.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? `${fastify.message}: a command's JSON body takes at most 256 KB, a member import's file 5 MB` : fastify.message;
    return { type: problemType(slugOf(fastify.statusCode)), title: 'The request could not be read', status: fastify.statusCode, detail, rule: fastify.code };
  }
  if (databaseAway(error)) return { type: problemType('service-unavailable'), title: 'service unavailable', status: 503, detail: 'The register could not reach its database; retry.' };
  return { type: problemType('internal'), title: 'Internal error', status: 500, detail: 'The register could not complete the request; it has been logged.' };
}

export function slugOf(status: number): string {
  return (HttpStatus[status] ?? `status-${status}`).toLowerCase().replace(/_/g, '-');
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(error: unknown, host: ArgumentsHost) {
    sendProblem(host.switchToHttp().getResponse(), error, this.logger);
  }
}

interface ProblemReply {
  status(code: number): ProblemReply;
  header(name: string, value: string): ProblemReply;
  send(body: string): unknown;
}

/** Answers an error as problem+json; also for routes outside Nest's pipeline (the gateway's forwarding route). */
export function sendProblem(reply: ProblemReply, error: unknown, logger: Pick<Logger, 'error' | 'warn'>) {
  const problem = toProblem(error);
  if (problem.status >= 500) logFailure(error, problem, logger);
  return reply.status(problem.status).header('content-type', 'application/problem+json; charset=utf-8').send(JSON.stringify(problem));
}

/**
 * A 502, 503 or 504 thrown on purpose (an HttpException: a read model behind, a service that did
 * not answer) is the register working as designed, and the client retries: a warning, one line.
 * Anything else, a 500 included, is a fault: an error with its stack trace.
 */
function logFailure(error: unknown, problem: Problem, logger: Pick<Logger, 'error' | 'warn'>) {
  if (error instanceof HttpException && problem.status !== 500) logger.warn(`${problem.status} ${problem.detail}`);
  else logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
}
