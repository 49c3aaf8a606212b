import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { PipelinedReads } from './pipelined-reads';

describe('PipelinedReads', () => {
  let server: Server;
  let origin: URL;
  let seen: string[];
  const sockets = new Set<Socket>();
  /** Reads received and not yet answered, per connection, and the most seen at once. */
  const open = new Map<Socket, number>();
  let deepest = 0;
  let reads: PipelinedReads;

  const answer = (request: IncomingMessage, response: ServerResponse) => {
    const url = request.url ?? '';
    if (url === '/hang') return;
    if (url.startsWith('/drop') && (url === '/drop-always' || seen.filter((u) => u === url).length === 1)) return request.socket.destroy();
    if (url === '/chunked') return response.writeHead(200, { 'content-type': 'text/plain' }).end(Buffer.from('Bí thư chi đoàn'));
    const body = JSON.stringify({ url, actor: request.headers['x-actor'] ?? null });
    setTimeout(() => response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body), 3);
  };

  beforeAll(async () => {
    server = createServer((request, response) => {
      seen.push(request.url ?? '');
      const socket = request.socket;
      open.set(socket, (open.get(socket) ?? 0) + 1);
      deepest = Math.max(deepest, open.get(socket)!);
      response.on('finish', () => open.set(socket, open.get(socket)! - 1));
      answer(request, response);
    });
    server.on('connection', (socket: Socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  beforeEach(() => {
    seen = [];
    sockets.clear();
    deepest = 0;
    reads = new PipelinedReads(origin, 2, 4, { idleMs: 5_000, answerMs: 5_000 });
  });

  afterEach(() => reads.close());

  const body = async (path: string, headers: Record<string, string> = {}) => JSON.parse((await reads.get(path, headers)).body.toString('utf8'));

  it('answers each read with its own answer, over at most 2 connections, at most 4 deep on each', async () => {
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => body(`/branches/b-${i}`, { 'x-actor': `a-${i}` })));
    expect(answers).toEqual(Array.from({ length: 30 }, (_, i) => ({ url: `/branches/b-${i}`, actor: `a-${i}` })));
    expect(sockets.size).toBe(2);
    expect(deepest).toBe(4);
  });

  it('reads a chunked answer', async () => {
    const answer = await reads.get('/chunked', {});
    expect(answer.body.toString('utf8')).toBe('Bí thư chi đoàn');
    expect(answer.headers['transfer-encoding']).toBe('chunked');
  });

  it('sends a read again, once, when its connection closes before it is answered', async () => {
    const answers = await Promise.all([body('/drop-once'), body('/b-1'), body('/b-2')]);
    expect(answers.map((a) => a.url)).toEqual(['/drop-once', '/b-1', '/b-2']);
    expect(seen.filter((u) => u === '/drop-once')).toHaveLength(2);
  });

  it('fails a read whose second connection closes too, and goes on serving others', async () => {
    await expect(reads.get('/drop-always', {})).rejects.toThrow(/closed|ECONNRESET|socket hang up/);
    expect(seen.filter((u) => u === '/drop-always')).toHaveLength(2);
    expect((await body('/b-1')).url).toBe('/b-1');
  });

  it('fails a read the service does not answer in time, without sending it again', async () => {
    reads = new PipelinedReads(origin, 1, 4, { idleMs: 5_000, answerMs: 100 });
    await expect(reads.get('/hang', {})).rejects.toThrow(/did not answer within 100 ms/);
    expect(seen).toEqual(['/hang']);
  });

  it('closes a connection left idle', async () => {
    reads = new PipelinedReads(origin, 1, 4, { idleMs: 50, answerMs: 5_000 });
    await body('/b-1');
    const [socket] = sockets;
    await sleep(200);
    expect(socket.destroyed).toBe(true);
    expect((await body('/b-2')).url).toBe('/b-2');
  });

  it.each([
    ['a header value with CR LF', '/b-1', { 'x-actor': 'a\r\nx-actor: forged' }],
    ['a header value beyond one byte', '/b-1', { 'x-actor': 'a\u010ax' }],
    ['a path with a space', '/b-1 HTTP/1.1\r\nx: y', {}],
  ])('refuses %s without sending anything', async (_what, path, headers) => {
    await expect(reads.get(path, headers)).rejects.toThrow(/cannot be forwarded/);
    expect(seen).toEqual([]);
  });

  it('fails the reads in flight when closed, and sends none of them again', async () => {
    const hanging = reads.get('/hang', {});
    await sleep(20);
    reads.close();
    await expect(hanging).rejects.toThrow(/shutting down/);
    await sleep(20);
    expect(seen).toEqual(['/hang']);
    await expect(reads.get('/b-1', {})).rejects.toThrow(/shutting down/);
  });

  it('fails reads when no service listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const nowhere = new PipelinedReads(new URL(`http://127.0.0.1:${port}`), 2, 4);
    await expect(nowhere.get('/b-1', {})).rejects.toThrow(/ECONNREFUSED/);
    nowhere.close();
  });
});
