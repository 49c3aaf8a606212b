import Fastify from 'fastify';
import { emptyJsonIsNoBody } from './bootstrap';

describe('the JSON parser of every app', () => {
  it('reads an empty application/json body as no body (the route decides), parses the rest as Fastify does, poisoning refused', async () => {
    const fastify = Fastify();
    emptyJsonIsNoBody(fastify);
    fastify.post('/', async (request) => ({ body: request.body ?? 'none' }));
    const send = (payload: string) => fastify.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/json' }, payload });
    expect((await send('')).json()).toEqual({ body: 'none' });
    expect((await send('{"a":1}')).json()).toEqual({ body: { a: 1 } });
    expect((await send('{"__proto__":{"x":1}}')).statusCode).toBe(400);
    const broken = await send('{"kind":"province",');
    // (the app's problem filter gives the field and rule; bare Fastify shows the message)
    expect([broken.statusCode, broken.json().message]).toEqual([400, expect.stringMatching(/the body is not JSON: .*(position|JSON input)/)]);
    // Latin-1 text is not read with its bytes replaced (a probe's "lý do" was stored "l\ufffd do").
    const latin1 = await fastify.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/json' }, payload: Buffer.from('{"reason":"l\xfd do"}', 'latin1') });
    expect(latin1.statusCode).toBe(400);
    expect((await send('{"reason":"lý do"}')).json()).toEqual({ body: { reason: 'lý do' } });
    await fastify.close();
  });
});
