import { toProblem } from './problem-details';

/** node-postgres's errors as PostgreSQL SIGKILLed and started again gives them (the fault matrix). */
const pgError = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});

describe('a request that met the database away', () => {
  it.each([
    ['refused (the server down)', pgError('connect ECONNREFUSED 127.0.0.1:55432', 'ECONNREFUSED')],
    ['cut (the server killed)', pgError('Connection terminated unexpectedly')],
    ['ended by the server', pgError('terminating connection due to unexpected postmaster exit', '57P01')],
    ['the server starting up', pgError('the database system is starting up', '57P03')],
  ])('is a 503 to retry, not a 500: %s', (_, error) => {
    expect(toProblem(error)).toMatchObject({ status: 503 });
  });

  it('leaves anything else unexpected a 500', () => {
    expect(toProblem(new TypeError('x is undefined'))).toMatchObject({ status: 500 });
    expect(toProblem(pgError('syntax error at or near "selec"', '42601'))).toMatchObject({ status: 500 });
  });
});

describe("Fastify's own refusals", () => {
  it('name the limits of a body too large (its own words named none: found by a black-box probe)', () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
    expect(toProblem(tooLarge)).toMatchObject({ status: 413, rule: 'FST_ERR_CTP_BODY_TOO_LARGE', detail: expect.stringMatching(/256 KB.*5 MB/) });
  });
});
