import { ServiceUnavailableException, UnprocessableEntityException } from '@nestjs/common';
import { LogIntegrityPort, RegisterRequest } from '@register/service-kit';
import { LogIntegrities } from './log-integrities';
import { LogIntegrityController } from './log-integrity.controller';

/** A port whose verification answers `verdict`, or throws `error`. */
const port = (outcome: { problems: Array<{ position: number; kind: string }> } | Error) =>
  ({ verify: async () => (outcome instanceof Error ? Promise.reject(outcome) : { events: 3, headPosition: 3, rootHash: 'ab', ...outcome }) }) as unknown as LogIntegrityPort;
const controllerOf = (ports: Array<[string, LogIntegrityPort]>) => new LogIntegrityController({ all: () => ports } as unknown as LogIntegrities);
const request = { actor: { id: 'kiem-toan', roles: ['auditor'] } } as unknown as RegisterRequest;

describe('POST /audit/verifications', () => {
  it('given every log read, when one has a problem, then it answers ok false naming it', async () => {
    const answer = await controllerOf([['organisation', port({ problems: [] })], ['personnel', port({ problems: [{ position: 2, kind: 'edited' }] })]]).verify({}, request);
    expect([answer.ok, answer.logs.map((l) => ('ok' in l ? l.ok : 'unread'))]).toEqual([false, [true, false]]);
  });

  it('given a log that cannot be read (its service down), then it is 503 naming it, not ok false, which says a log is damaged (a probe)', async () => {
    const verifying = controllerOf([['organisation', port({ problems: [] })], ['training', port(new Error('the training service did not answer; try again'))]]).verify({}, request);
    await expect(verifying).rejects.toThrow(ServiceUnavailableException);
    await expect(verifying).rejects.toThrow(/the training log could not be read/);
  });

  it("given the caller's own fault (a 4xx of the port), then that answer stands", async () => {
    await expect(controllerOf([['training', port(new UnprocessableEntityException('bad trusted checkpoint'))]]).verify({}, request)).rejects.toThrow(UnprocessableEntityException);
  });
});
