import { ResponseParser, ServiceAnswer } from './response-parser';

const answersOf = (...chunks: Array<string | Buffer>): ServiceAnswer[] => {
  const answers: ServiceAnswer[] = [];
  const parser = new ResponseParser((a) => answers.push(a));
  for (const chunk of chunks) parser.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, 'latin1'));
  return answers;
};

/** The same bytes, delivered one byte at a time. */
const byteByByte = (text: string) => [...Buffer.from(text, 'latin1')].map((b) => Buffer.from([b]));

const json = (body: string, extra = '') => {
  const bytes = Buffer.from(body, 'utf8');
  return `HTTP/1.1 200 OK\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${bytes.length}\r\n${extra}\r\n${bytes.toString('latin1')}`;
};

describe('ResponseParser', () => {
  it('reads a content-length answer, its status, headers (names in lower case) and body', () => {
    const [answer] = answersOf(json('{"name":"Chi đoàn bản Đôn"}', 'ETag: "3"\r\n'));
    expect(answer.status).toBe(200);
    expect(answer.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', etag: '"3"' });
    expect(JSON.parse(answer.body.toString('utf8'))).toEqual({ name: 'Chi đoàn bản Đôn' });
  });

  it('reads pipelined answers in order, whether they come together or a byte at a time', () => {
    const three = json('{"n":1}') + 'HTTP/1.1 404 Not Found\r\ncontent-length: 2\r\n\r\n{}' + json('{"n":3}');
    for (const chunks of [[three], byteByByte(three)]) {
      const answers = answersOf(...chunks);
      expect(answers.map((a) => [a.status, a.body.toString()])).toEqual([
        [200, '{"n":1}'],
        [404, '{}'],
        [200, '{"n":3}'],
      ]);
    }
  });

  it('reads a chunked body, with chunk extensions and trailers, split anywhere', () => {
    const chunked = 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n4\r\nChi \r\n6;x=1\r\nđoàn\r\n0\r\nx-trailer: 1\r\n\r\n';
    const after = 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n';
    const text = Buffer.from(chunked, 'utf8').toString('latin1') + after;
    for (const chunks of [[text], byteByByte(text)]) {
      const answers = answersOf(...chunks);
      expect(answers.map((a) => a.body.toString('utf8'))).toEqual(['Chi đoàn', '']);
    }
  });

  it('gives 204 and 304 no body, and keeps repeated headers', () => {
    const answers = answersOf('HTTP/1.1 204 No Content\r\nvary: accept\r\nvary: origin\r\n\r\n', 'HTTP/1.1 304 Not Modified\r\netag: "2"\r\n\r\n', json('{}'));
    expect(answers.map((a) => [a.status, a.body.length])).toEqual([
      [204, 0],
      [304, 0],
      [200, 2],
    ]);
    expect(answers[0].headers.vary).toEqual(['accept', 'origin']);
  });

  it.each([
    ['not HTTP', 'SSH-2.0-OpenSSH\r\n\r\n'],
    ['a body read to the end of the connection', 'HTTP/1.1 200 OK\r\n\r\nabc'],
    ['a malformed header', 'HTTP/1.1 200 OK\r\nno colon\r\ncontent-length: 0\r\n\r\n'],
    ['a malformed chunk size', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n'],
  ])('refuses %s', (_what, text) => {
    expect(() => answersOf(text)).toThrow();
  });

  it('refuses a head that never ends', () => {
    expect(() => answersOf(`HTTP/1.1 200 OK\r\nx: ${'a'.repeat(70_000)}`)).toThrow(/too large/);
  });
});
