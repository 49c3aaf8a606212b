import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { UndiciReads } from './undici-reads';

/** A real node:http service on loopback, which closes the connection of the first `drop` requests without answering. */
async function service(drop: number): Promise<{ server: Server; url: URL; seen: string[] }> {
  const seen: string[] = [];
  let dropped = 0;
  const server = createServer((req, res) => {
    seen.push(req.url!);
    if (dropped < drop) {
      dropped++;
      req.socket.destroy();
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ url: req.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`), seen };
}

describe('UndiciReads', () => {
  it('answers pipelined reads, each with its own answer', async () => {
    const { server, url } = await service(0);
    const reads = new UndiciReads(url, 1, 4);
    const answers = await Promise.all(['/a', '/b', '/c', '/d', '/e'].map((p) => reads.get(p, {})));
    expect(answers.map((a) => [a.status, JSON.parse(a.body.toString()).url])).toEqual([[200, '/a'], [200, '/b'], [200, '/c'], [200, '/d'], [200, '/e']]);
    reads.close();
    server.close();
  });

  it('sends a read once more when its connection closes before the answer, and fails on a second close', async () => {
    const once = await service(1);
    const reads = new UndiciReads(once.url, 1, 1);
    expect((await reads.get('/x', {})).status).toBe(200);
    expect(once.seen).toEqual(['/x', '/x']);
    reads.close();
    once.server.close();

    const twice = await service(2);
    const again = new UndiciReads(twice.url, 1, 1);
    await expect(again.get('/y', {})).rejects.toMatchObject({ code: expect.stringMatching(/UND_ERR_SOCKET|ECONNRESET/) });
    again.close();
    twice.server.close();
  });

  it('spreads reads over the instances of a service given as URLs separated by commas, and goes on when one stops', async () => {
    const [one, two] = [await service(0), await service(0)];
    const reads = new UndiciReads(`${one.url.origin},${two.url.origin}`, 2, 1);
    for (let i = 0; i < 20; i++) expect((await reads.get(`/r${i}`, {})).status).toBe(200);
    expect([one.seen.length, two.seen.length].every((n) => n > 0)).toBe(true);
    await new Promise((resolve) => one.server.close(resolve));
    one.server.closeAllConnections();
    for (let i = 0; i < 10; i++) expect((await reads.get(`/after${i}`, {}).catch(() => reads.get(`/after${i}`, {}))).status).toBe(200);
    reads.close();
    two.server.close();
  });
});
