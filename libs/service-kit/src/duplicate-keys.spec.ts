import Fastify from 'fastify';
import { emptyJsonIsNoBody } from './bootstrap';
import { duplicateKeys } from './duplicate-keys';

const named = (text: string) => duplicateKeys(text).map((e) => `${e.field}:${e.rule}`);

describe('duplicateKeys: a key given twice in one object', () => {
  it('names each by its path, at any depth, in arrays too', () => {
    expect(named('{"reason":"a","reason":"b"}')).toEqual(['reason:duplicate-key']);
    expect(named('{"decisionRef":{"number":"1","number":"2"}}')).toEqual(['decisionRef.number:duplicate-key']);
    expect(named('{"items":[{"fullName":"A"},{"fullName":"B","fullName":"C"}]}')).toEqual(['items.1.fullName:duplicate-key']);
    expect(named('{"a":1,"a":2,"a":3}')).toEqual(['a:duplicate-key', 'a:duplicate-key']);
  });

  it('passes the same key in sibling and nested objects, and keys that differ only by escapes or normalisation as JSON.parse reads them', () => {
    expect(named('{"a":{"a":1},"b":[{"a":1},{"a":2}]}')).toEqual([]);
    expect(named('{"Hoà":1,"Hòa":2}')).toEqual([]);
    expect(named('[1,2,{"x":[]}]')).toEqual([]);
    // an escaped key is the same key to JSON.parse, so it is the same key here
    expect(named('{"a":1,"\\u0061":2}')).toEqual(['a:duplicate-key']);
  });

  it('leaves a body nested beyond its stack to the depth rule (the parser answers max-depth after)', async () => {
    const fastify = Fastify();
    emptyJsonIsNoBody(fastify);
    fastify.post('/', async (request) => ({ parsed: request.body !== undefined }));
    const deep = '{"reason":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}';
    expect((await fastify.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/json' }, payload: deep })).json()).toEqual({ parsed: true });
    await fastify.close();
  });

  it('is refused by the JSON parser of every app with a 400 naming the field and the rule', async () => {
    const fastify = Fastify();
    emptyJsonIsNoBody(fastify);
    fastify.post('/', async (request) => ({ body: request.body }));
    const answer = await fastify.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/json' }, payload: '{"reason":"thành lập","reason":"giải thể"}' });
    expect(answer.statusCode).toBe(400);
    expect((await fastify.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/json' }, payload: '{"reason":"thành lập"}' })).json()).toEqual({ body: { reason: 'thành lập' } });
    await fastify.close();
  });
});
