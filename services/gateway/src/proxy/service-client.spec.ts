import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { BadGatewayException, GatewayTimeoutException, Logger } from '@nestjs/common';
import { ACTOR_HEADER_LIFETIME_MS } from '@register/auth';
import { readConnections, ServiceClient } from './service-client';

describe('ServiceClient', () => {
  let server: Server;
  const sockets = new Set<unknown>();
  let seen: string[] = [];
  let actors: string[] = [];
  const envBefore = { ...process.env };

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response) => {
      seen.push(`${request.method} ${request.url}`);
      actors.push(String(request.headers['x-register-actor']));
      // Answers a little later, so that the reads of one burst overlap.
      // Answers a little later, so that the reads of one burst overlap; /stalled never (a service stopped).
      if (request.url?.includes('/stalled')) return;
      setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url: request.url })), 5);
    });
    server.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    process.env.ORGANISATION_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    process.env.REGISTER_INTERNAL_SECRET = 'service-client-spec-secret-0123456789';
  });

  afterAll(async () => {
    process.env = envBefore;
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    sockets.clear();
    seen = [];
    actors = [];
  });

  it('sends reads over two connections by default, each answer to its own read', async () => {
    const client = new ServiceClient();
    try {
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => client.read<{ url: string }>('organisation', `/api/v1/branches/b-${i}`)));
      expect(answers.map((a) => a?.url)).toEqual(Array.from({ length: 20 }, (_, i) => `/api/v1/branches/b-${i}`));
      expect(sockets.size).toBe(2);
    } finally {
      await client.onApplicationShutdown();
    }
  });

  it('keeps reads that may be slow (asOf, knownAt, minPosition) and commands off the pipelined connections', async () => {
    const client = new ServiceClient();
    try {
      await client.read('organisation', '/api/v1/branches/b-1');
      expect(sockets.size).toBe(1);
      await Promise.all([
        client.read('organisation', '/api/v1/branches/b-1?asOf=2025-01-01'),
        client.read('organisation', '/api/v1/branches?minPosition=3'),
        client.read('organisation', '/api/v1/branches/b-1?knownAt=2025-09-01T00%3A00%3A00Z'),
        client.call('organisation', 'POST', '/api/v1/branches/b-1/renames', undefined, { 'content-type': 'application/json' }, '{}'),
      ]);
      // Four more connections, one each: none of them queued behind another request.
      expect(sockets.size).toBe(5);
      expect(seen).toHaveLength(5);
    } finally {
      await client.onApplicationShutdown();
    }
  });

  it('answers a command its service does not answer in time with a 504 that says to retry with the same Idempotency-Key (it was left to the caller\'s connection closing)', async () => {
    process.env.REGISTER_SERVICE_TIMEOUT_MS = '200';
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const client = new ServiceClient();
    try {
      const refused = client.call('organisation', 'POST', '/api/v1/stalled/renames', undefined, { 'content-type': 'application/json' }, '{}');
      await expect(refused).rejects.toThrow(GatewayTimeoutException);
      await expect(refused).rejects.toThrow(/same Idempotency-Key/);
    } finally {
      delete process.env.REGISTER_SERVICE_TIMEOUT_MS;
      jest.restoreAllMocks();
      await client.onApplicationShutdown();
    }
  });

  it('signs a caller once, and again once half the signature\'s lifetime has passed', async () => {
    const client = new ServiceClient();
    const caller = { id: 'can-bo-qp', roles: ['unit-officer' as const], scopeUnitId: 'qp', via: 'jwt' as const };
    const t0 = Date.now();
    try {
      for (const at of [t0, t0 + 1000, t0 + ACTOR_HEADER_LIFETIME_MS / 2 + 1]) {
        jest.spyOn(Date, 'now').mockReturnValue(at);
        await client.call('organisation', 'GET', '/api/v1/branches/b-1', caller, {});
      }
      expect(actors[0]).toBe(actors[1]);
      expect(actors[2]).not.toBe(actors[1]);
    } finally {
      jest.restoreAllMocks();
      await client.onApplicationShutdown();
    }
  });

  it('fails with a 502 that does not name the service\'s address when the service cannot be reached, reads and commands alike', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const dead = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const live = process.env.ORGANISATION_URL;
    process.env.ORGANISATION_URL = dead;
    const client = new ServiceClient();
    process.env.ORGANISATION_URL = live;
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const attempts = [() => client.call('organisation', 'GET', '/api/v1/branches/b-1', undefined, {}), () => client.call('organisation', 'POST', '/api/v1/branches', undefined, { 'content-type': 'application/json' }, '{}')];
      for (const attempt of attempts) {
        const error = await attempt().then(() => undefined, (e: unknown) => e);
        expect(error).toBeInstanceOf(BadGatewayException);
        expect((error as BadGatewayException).getStatus()).toBe(502);
        expect((error as Error).message).not.toContain(dead.split('//')[1]);
      }
      expect(logged).toHaveBeenCalledWith(expect.stringMatching(/^organisation did not answer GET \/api\/v1\/branches\/b-1: .*ECONNREFUSED/));
    } finally {
      jest.restoreAllMocks();
      await client.onApplicationShutdown();
    }
  });

  it('reads REGISTER_SERVICE_READ_CONNECTIONS, a positive whole number, else 2', () => {
    expect(readConnections({})).toBe(2);
    expect(readConnections({ REGISTER_SERVICE_READ_CONNECTIONS: '6' })).toBe(6);
    expect(readConnections({ REGISTER_SERVICE_READ_CONNECTIONS: '0' })).toBe(2);
    expect(readConnections({ REGISTER_SERVICE_READ_CONNECTIONS: 'many' })).toBe(2);
  });
});
