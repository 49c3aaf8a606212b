import { PassThrough } from 'node:stream';
import { Principal } from '@register/auth';
import { HttpLogIntegrity } from './http-log-integrity';
import { ServiceClient } from './service-client';

const auditor = { id: 'auditor-1' } as unknown as Principal;

/** A service whose bundle answer arrives as `body`, written by the test. */
function serviceAnswering(status: number, body: PassThrough) {
  const asked: string[] = [];
  const services = { stream: async (_service: string, url: string) => (asked.push(url), { status, headers: {}, body }) } as unknown as ServiceClient;
  return { integrity: new HttpLogIntegrity(services, 'personnel').as(auditor), asked };
}

describe("the distributed gateway's bundle of a service's log", () => {
  it('given an answer still arriving, then its first lines are given before it ends (a whole log is never held at once)', async () => {
    const body = new PassThrough();
    const { integrity, asked } = serviceAnswering(200, body);
    const lines = integrity.bundle(5, 9)[Symbol.asyncIterator]();
    body.write('{"type":"log"}\n{"type":"ev');
    expect(await lines.next()).toEqual({ done: false, value: '{"type":"log"}' });
    expect(asked).toEqual(['/api/v1/internal/logs/personnel/bundle?fromPosition=5&toPosition=9']);
    body.end('ent","position":5}\n\n{"type":"checkpoint"}');
    expect(await lines.next()).toEqual({ done: false, value: '{"type":"event","position":5}' });
    expect(await lines.next()).toEqual({ done: false, value: '{"type":"checkpoint"}' });
    expect((await lines.next()).done).toBe(true);
  });

  it('given an auditor who stops reading, then the service answer is let go', async () => {
    const body = new PassThrough();
    const { integrity } = serviceAnswering(200, body);
    const lines = integrity.bundle()[Symbol.asyncIterator]();
    body.write('{"type":"log"}\n');
    await lines.next();
    await lines.return?.();
    expect(body.destroyed).toBe(true);
  });

  it('given a service that refuses, then the bundle fails before any line', async () => {
    const body = new PassThrough();
    body.end('{"status":503}');
    const { integrity } = serviceAnswering(503, body);
    await expect(integrity.bundle()[Symbol.asyncIterator]().next()).rejects.toThrow('personnel: the bundle answered 503');
  });
});
