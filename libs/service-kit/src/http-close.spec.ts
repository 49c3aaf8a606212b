import { connect, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import Fastify, { FastifyInstance } from 'fastify';
import { closeConnectionsOnClose } from './http-close';

/** A caller's answers on one raw connection: everything the server wrote, as text. */
function rawCaller(port: number) {
  const socket: Socket = connect(port, '127.0.0.1');
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
  // 'closed' once the server ends the connection; 'still open' if it has not within the test's own limit.
  const closed = Promise.race([
    new Promise<string>((resolve) => socket.once('close', () => resolve('closed'))),
    new Promise<string>((resolve) => setTimeout(() => resolve('still open'), 15_000).unref()),
  ]);
  const answered = (status: number) =>
    new Promise<void>((resolve) => {
      const check = () => (received.includes(`HTTP/1.1 ${status}`) ? resolve() : setTimeout(check, 5));
      check();
    });
  return { socket, answered, closed, received: () => received };
}

describe('closeConnectionsOnClose', () => {
  let app: FastifyInstance;
  let port: number;
  let release: () => void;
  let entered: Promise<void>;

  /** A server whose own timeouts are far beyond the test's: a close that waited on them would not end in time. */
  async function serve(graceMs: number) {
    app = Fastify({ keepAliveTimeout: 3_600_000, requestTimeout: 3_600_000, connectionTimeout: 0, bodyLimit: 16 });
    closeConnectionsOnClose(app, graceMs);
    const held = new Promise<void>((resolve) => (release = resolve));
    let enter: () => void;
    entered = new Promise<void>((resolve) => (enter = resolve));
    app.post('/upload', async () => ({ ok: true }));
    app.get('/slow', async () => {
      enter();
      await held;
      return { ok: 'slow' };
    });
    app.get('/never', () => {
      enter();
      return new Promise(() => undefined);
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  }

  it('ends a connection whose body was refused before it was read', async () => {
    await serve(3_600_000);
    const caller = rawCaller(port);
    caller.socket.write('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\n' + 'x'.repeat(100));
    await caller.answered(415); // a type no route reads: answered before the body
    await app.close();
    expect(await caller.closed).toBe('closed');
  }, 20_000);

  it('ends an idle kept-alive connection', async () => {
    await serve(3_600_000);
    const caller = rawCaller(port);
    caller.socket.write('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
    await caller.answered(200);
    await app.close();
    expect(await caller.closed).toBe('closed');
  }, 20_000);

  it('lets a request in flight be answered, then ends its connection', async () => {
    await serve(3_600_000);
    const caller = rawCaller(port);
    caller.socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
    await entered; // in flight: the handler has it
    const closing = app.close();
    release();
    await caller.answered(200);
    await closing;
    expect(await caller.closed).toBe('closed');
    expect(caller.received()).toContain('{"ok":"slow"}');
  }, 20_000);

  it('cuts a request that is still unanswered when the grace ends', async () => {
    await serve(200);
    const caller = rawCaller(port);
    caller.socket.write('GET /never HTTP/1.1\r\nHost: x\r\n\r\n');
    await entered;
    await app.close();
    expect(await caller.closed).toBe('closed');
    release();
  }, 20_000);
});
