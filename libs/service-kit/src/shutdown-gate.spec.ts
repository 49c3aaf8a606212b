import Fastify from 'fastify';
import { ShutdownGate } from './shutdown-gate';

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
});
