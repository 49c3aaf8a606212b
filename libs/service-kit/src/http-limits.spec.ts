import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { applyHttpLimits, checkingIntervalOf, DEFAULT_HTTP_LIMITS, httpLimitsFromEnv, serverOptionsOf } from './http-limits';
import { startMetricsServer } from './metrics';

describe('httpLimitsFromEnv', () => {
  it('has ~30 s request and idle timeouts, a shorter header timeout and a connection cap by default', () => {
    expect(httpLimitsFromEnv({})).toEqual(DEFAULT_HTTP_LIMITS);
    expect(DEFAULT_HTTP_LIMITS).toMatchObject({ requestTimeoutMs: 30_000, idleTimeoutMs: 35_000, headersTimeoutMs: 10_000, maxConnections: 1_000, closeGraceMs: 10_000 });
    expect(checkingIntervalOf(DEFAULT_HTTP_LIMITS)).toBe(1_000);
  });

  it('takes each from REGISTER_HTTP_*, then from what the caller gives, and refuses nonsense', () => {
    const env = { REGISTER_HTTP_HEADERS_TIMEOUT_MS: '500', REGISTER_HTTP_REQUEST_TIMEOUT_MS: '1000', REGISTER_HTTP_MAX_CONNECTIONS: '80' };
    expect(httpLimitsFromEnv(env)).toMatchObject({ headersTimeoutMs: 500, requestTimeoutMs: 1_000, maxConnections: 80, idleTimeoutMs: 35_000 });
    expect(httpLimitsFromEnv(env, { maxConnections: 5 }).maxConnections).toBe(5);
    expect(checkingIntervalOf(httpLimitsFromEnv(env))).toBe(50);
    // Node refuses a header timeout beyond the request's
    expect(httpLimitsFromEnv({ REGISTER_HTTP_REQUEST_TIMEOUT_MS: '2000' }).headersTimeoutMs).toBe(2_000);
    for (const bad of ['0', '-1', '1.5', 'soon', '1e400']) expect(() => httpLimitsFromEnv({ REGISTER_HTTP_IDLE_TIMEOUT_MS: bad })).toThrow(/REGISTER_HTTP_IDLE_TIMEOUT_MS/);
  });

  it('puts them on a Node server', () => {
    const limits = httpLimitsFromEnv({ REGISTER_HTTP_MAX_CONNECTIONS: '7' });
    const server = createServer(serverOptionsOf(limits));
    applyHttpLimits(server, limits);
    expect([server.headersTimeout, server.requestTimeout, server.keepAliveTimeout, server.maxConnections, server.timeout]).toEqual([10_000, 30_000, 72_000, 7, 35_000]);
  });
});

describe('startMetricsServer', () => {
  const get = (port: number, path: string, method = 'GET') =>
    new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path, method }, (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, type: String(response.headers['content-type']), body }));
      })
        .on('error', reject)
        .end();
    });

  it('serves the process metrics at GET /metrics on a port of its own, and nothing else', async () => {
    const server = await startMetricsServer(0, '127.0.0.1', DEFAULT_HTTP_LIMITS);
    try {
      const { port, address } = server.address() as AddressInfo;
      expect(address).toBe('127.0.0.1');
      expect(server.maxConnections).toBe(DEFAULT_HTTP_LIMITS.maxConnections);
      const metrics = await get(port, '/metrics');
      expect([metrics.status, metrics.type]).toEqual([200, expect.stringMatching(/^text\/plain/)]);
      expect(metrics.body).toContain('process_cpu_user_seconds_total');
      expect((await get(port, '/metrics?x=1')).status).toBe(200);
      expect((await get(port, '/api/v1/units/tw')).status).toBe(404);
      expect((await get(port, '/metrics', 'POST')).status).toBe(404);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
