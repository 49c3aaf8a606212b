import Fastify from 'fastify';
import { createServer } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { ShutdownGate } from './shutdown-gate';

/** 'closed' if the gate closes before its grace could have run out (a long one), else 'waited for the grace'. */
const closesAtOnce = (gate: ShutdownGate) =>
  Promise.race([gate.close(60_000).then(() => 'closed'), new Promise<string>((resolve) => setTimeout(() => resolve('waited for the grace'), 10_000).unref())]);

describe('the shutdown gate: the first step of a stop', () => {
  it('turns new requests away (503 stopping, connection closed) and lets the one under way be answered first', async () => {
    // Given an app with a request under way
    const fastify = Fastify();
    const gate = new ShutdownGate();
    gate.install(fastify);
    let finish!: () => void;
    fastify.get('/slow', () => new Promise((resolve) => (finish = () => resolve({ done: true }))));
    fastify.get('/quick', async () => ({ quick: true }));
    await fastify.ready();
    const slow = fastify.inject({ method: 'GET', url: '/slow' });
    await new Promise((resolve) => setImmediate(resolve));

    // When the stop begins
    let closed = false;
    const closing = gate.close(10_000).then(() => (closed = true));

    // Then a new request is turned away at once, the one under way is still answered, and only then is the gate closed
    const turnedAway = await fastify.inject({ method: 'GET', url: '/quick' });
    expect([turnedAway.statusCode, turnedAway.headers.connection, turnedAway.json().type]).toEqual([503, 'close', '/api/v1/problems/stopping']);
    expect(closed).toBe(false);
    finish();
    expect((await slow).json()).toEqual({ done: true });
    await closing;
    expect(closed).toBe(true);
    await fastify.close();
  });

  it('closes at once when nothing is under way, and after the grace when something never ends', async () => {
    const fastify = Fastify();
    const gate = new ShutdownGate();
    gate.install(fastify);
    fastify.get('/never', () => new Promise(() => undefined));
    await fastify.ready();
    await new ShutdownGate().close(60_000);
    void fastify.inject({ method: 'GET', url: '/never' });
    await new Promise((resolve) => setImmediate(resolve));
    const started = Date.now();
    await gate.close(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('closes at once after requests answered through inject (the loaders and tests use it)', async () => {
    const fastify = Fastify();
    const gate = new ShutdownGate();
    gate.install(fastify);
    fastify.get('/quick', async () => ({ quick: true }));
    await fastify.ready();
    for (let i = 0; i < 5; i++) expect((await fastify.inject({ method: 'GET', url: '/quick' })).statusCode).toBe(200);
    expect(await closesAtOnce(gate)).toBe('closed');
    await fastify.close();
  });

  it('closes at once after a request cut by the request timeout (408) or by its client: neither reaches onResponse', async () => {
    // Node checks request timeouts every connectionsCheckingInterval (30 s by default).
    const fastify = Fastify({ serverFactory: (handler) => createServer({ requestTimeout: 300, connectionsCheckingInterval: 50 }, handler) });
    const gate = new ShutdownGate();
    gate.install(fastify);
    fastify.post('/slow-body', async () => ({ ok: true }));
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    const port = (fastify.server.address() as AddressInfo).port;
    // A body that never finishes arriving: the server answers 408 after the request timeout.
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('POST /slow-body HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"a":'));
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('close', () => resolve(text));
    });
    try {
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      expect(await closesAtOnce(gate)).toBe('closed');
    } finally {
      fastify.server.closeAllConnections();
      await fastify.close();
    }
  });
});
