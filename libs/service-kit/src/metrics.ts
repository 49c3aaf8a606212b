import { createServer, Server } from 'node:http';
import { collectDefaultMetrics, register } from 'prom-client';
import { applyHttpLimits, HttpLimits, serverOptionsOf } from './http-limits';

let defaultMetricsStarted = false;

/** The process's default metrics (CPU, memory, event loop, GC), collected once per process. */
export function startDefaultMetrics() {
  if (!defaultMetricsStarted) collectDefaultMetrics();
  defaultMetricsStarted = true;
}

/**
 * Prometheus metrics on a port of their own (METRICS_PORT; see listen in bootstrap.ts), never on
 * the API's: `GET /metrics` there, 404 for anything else. Only this process's registry, nothing
 * a caller sends is read. Under the same timeouts and connection cap as the API.
 */
export function startMetricsServer(port: number, host: string, limits: HttpLimits): Promise<Server> {
  startDefaultMetrics();
  const server = createServer(serverOptionsOf(limits), (request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if ((request.method !== 'GET' && request.method !== 'HEAD') || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: metrics are at GET /metrics\n');
      return;
    }
    register.metrics().then(
      (text) => response.writeHead(200, { 'content-type': register.contentType }).end(request.method === 'HEAD' ? undefined : text),
      () => response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics could not be collected\n'),
    );
  });
  applyHttpLimits(server, limits);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
